using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Workspace.Migrations
{
    /// <inheritdoc />
    public partial class GrantsAnnotationsSavedViews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "annotations",
                schema: "workspace",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    stream_type = table.Column<string>(type: "text", nullable: false),
                    stream_id = table.Column<string>(type: "text", nullable: false),
                    starred = table.Column<bool>(type: "boolean", nullable: false),
                    label = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    comment = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    updated_by = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_annotations", x => x.id);
                    table.ForeignKey(
                        name: "FK_annotations_cases_case_id",
                        column: x => x.case_id,
                        principalSchema: "workspace",
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "saved_views",
                schema: "workspace",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_saved_views", x => x.id);
                    table.CheckConstraint("saved_views_relative_url", "url LIKE '/%' AND url NOT LIKE '//%'");
                    table.ForeignKey(
                        name: "FK_saved_views_cases_case_id",
                        column: x => x.case_id,
                        principalSchema: "workspace",
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "unmask_grants",
                schema: "workspace",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    grantee_subject = table.Column<string>(type: "text", nullable: false),
                    grantee_name = table.Column<string>(type: "text", nullable: false),
                    data_subject = table.Column<string>(type: "text", nullable: false),
                    field_name = table.Column<string>(type: "text", nullable: true),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    granted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_by = table.Column<string>(type: "text", nullable: true),
                    access_log_seq = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_unmask_grants", x => x.id);
                    table.CheckConstraint("unmask_grants_expiry_after_grant", "expires_at > granted_at");
                    table.ForeignKey(
                        name: "FK_unmask_grants_cases_case_id",
                        column: x => x.case_id,
                        principalSchema: "workspace",
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_annotations_case_id_event_id",
                schema: "workspace",
                table: "annotations",
                columns: new[] { "case_id", "event_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_annotations_case_id_stream_type_stream_id",
                schema: "workspace",
                table: "annotations",
                columns: new[] { "case_id", "stream_type", "stream_id" });

            migrationBuilder.CreateIndex(
                name: "IX_saved_views_case_id_name",
                schema: "workspace",
                table: "saved_views",
                columns: new[] { "case_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_unmask_grants_access_log_seq",
                schema: "workspace",
                table: "unmask_grants",
                column: "access_log_seq",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_unmask_grants_case_id",
                schema: "workspace",
                table: "unmask_grants",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "IX_unmask_grants_grantee_subject_case_id_expires_at",
                schema: "workspace",
                table: "unmask_grants",
                columns: new[] { "grantee_subject", "case_id", "expires_at" },
                filter: "revoked_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "annotations",
                schema: "workspace");

            migrationBuilder.DropTable(
                name: "saved_views",
                schema: "workspace");

            migrationBuilder.DropTable(
                name: "unmask_grants",
                schema: "workspace");
        }
    }
}
