using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Workspace.Migrations
{
    /// <inheritdoc />
    public partial class EvidenceExportFiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "evidence_export_files",
                schema: "workspace",
                columns: table => new
                {
                    export_row_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pdf = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_evidence_export_files", x => x.export_row_id);
                    table.ForeignKey(
                        name: "FK_evidence_export_files_evidence_exports_export_row_id",
                        column: x => x.export_row_id,
                        principalSchema: "workspace",
                        principalTable: "evidence_exports",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "evidence_export_files",
                schema: "workspace");
        }
    }
}
