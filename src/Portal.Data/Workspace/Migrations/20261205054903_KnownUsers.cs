using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Workspace.Migrations
{
    /// <inheritdoc />
    public partial class KnownUsers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "known_users",
                schema: "workspace",
                columns: table => new
                {
                    subject_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    display_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    roles = table.Column<string[]>(type: "text[]", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_known_users", x => x.subject_id);
                    table.CheckConstraint("known_users_case_roles", "roles <@ ARRAY['investigator', 'auditor']::text[] AND cardinality(roles) > 0");
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "known_users",
                schema: "workspace");
        }
    }
}
