using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Workspace.Migrations
{
    /// <inheritdoc />
    public partial class AnnotationStreamSeq : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "stream_seq",
                schema: "workspace",
                table: "annotations",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "stream_seq",
                schema: "workspace",
                table: "annotations");
        }
    }
}
