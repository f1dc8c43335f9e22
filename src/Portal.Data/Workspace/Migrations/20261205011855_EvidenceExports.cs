using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Workspace.Migrations
{
    /// <inheritdoc />
    public partial class EvidenceExports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "evidence_exports",
                schema: "workspace",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    export_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    exported_by = table.Column<string>(type: "text", nullable: false),
                    exported_by_name = table.Column<string>(type: "text", nullable: false),
                    exported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    scope = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    event_count = table.Column<int>(type: "integer", nullable: false),
                    checkpoint_size = table.Column<long>(type: "bigint", nullable: false),
                    pdf_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    bundle_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    access_log_seq = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_evidence_exports", x => x.id);
                    table.CheckConstraint("evidence_exports_bundle_sha256", "bundle_sha256 ~ '^[0-9a-f]{64}$'");
                    table.CheckConstraint("evidence_exports_pdf_sha256", "pdf_sha256 ~ '^[0-9a-f]{64}$'");
                    table.ForeignKey(
                        name: "FK_evidence_exports_cases_case_id",
                        column: x => x.case_id,
                        principalSchema: "workspace",
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_evidence_exports_access_log_seq",
                schema: "workspace",
                table: "evidence_exports",
                column: "access_log_seq",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_evidence_exports_bundle_sha256",
                schema: "workspace",
                table: "evidence_exports",
                column: "bundle_sha256");

            migrationBuilder.CreateIndex(
                name: "IX_evidence_exports_case_id_exported_at",
                schema: "workspace",
                table: "evidence_exports",
                columns: new[] { "case_id", "exported_at" });

            migrationBuilder.CreateIndex(
                name: "IX_evidence_exports_export_id",
                schema: "workspace",
                table: "evidence_exports",
                column: "export_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_evidence_exports_pdf_sha256",
                schema: "workspace",
                table: "evidence_exports",
                column: "pdf_sha256");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "evidence_exports",
                schema: "workspace");
        }
    }
}
