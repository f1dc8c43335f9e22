using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Workspace.Migrations
{
    /// <inheritdoc />
    public partial class ReviewAcknowledgements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "review_acknowledgements",
                schema: "workspace",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    flag_key = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    rule_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    rule_version = table.Column<int>(type: "integer", nullable: false),
                    flagged_subject = table.Column<string>(type: "text", nullable: false),
                    acknowledged_by = table.Column<string>(type: "text", nullable: false),
                    acknowledged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    access_log_seq = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_review_acknowledgements", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_review_acknowledgements_access_log_seq",
                schema: "workspace",
                table: "review_acknowledgements",
                column: "access_log_seq",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_review_acknowledgements_flag_key",
                schema: "workspace",
                table: "review_acknowledgements",
                column: "flag_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "review_acknowledgements",
                schema: "workspace");
        }
    }
}
