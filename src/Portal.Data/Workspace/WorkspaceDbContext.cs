using System.Text;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Workspace;

/// <summary>
/// The investigators' working state (DESIGN §8, docs/workspace.md): schema <c>workspace</c> in the portal
/// database, snake_case names, migrations in <c>Workspace/Migrations</c> applied by <see cref="WorkspaceMigrator"/>
/// (<c>auditportal ledger init</c>), never at request time. The one <c>DbContext</c> of the portal: later
/// workspace tables (evidence exports, review acknowledgements) are added here, by migration.
/// </summary>
public sealed class WorkspaceDbContext(DbContextOptions<WorkspaceDbContext> options) : DbContext(options)
{
    public const string Schema = "workspace";

    /// <summary>EF Core's migration history, inside the schema it describes.</summary>
    public const string HistoryTable = "__ef_migrations_history";

    public DbSet<InvestigationCase> Cases => Set<InvestigationCase>();
    public DbSet<CaseMember> CaseMembers => Set<CaseMember>();
    public DbSet<KnownUser> KnownUsers => Set<KnownUser>();
    public DbSet<UnmaskGrant> UnmaskGrants => Set<UnmaskGrant>();
    public DbSet<Annotation> Annotations => Set<Annotation>();
    public DbSet<SavedView> SavedViews => Set<SavedView>();
    public DbSet<ReviewAcknowledgement> ReviewAcknowledgements => Set<ReviewAcknowledgement>();
    public DbSet<EvidenceExportRecord> EvidenceExports => Set<EvidenceExportRecord>();
    public DbSet<EvidenceExportFile> EvidenceExportFiles => Set<EvidenceExportFile>();

    /// <summary>The Npgsql options every user of the context shares (history table in the schema).</summary>
    public static DbContextOptionsBuilder<WorkspaceDbContext> Configure(DbContextOptionsBuilder<WorkspaceDbContext> builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(HistoryTable, Schema));
    }

    /// <summary>The same options over an existing data source (the portal's pool on the portal database).</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, Npgsql.NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable(HistoryTable, Schema));
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<InvestigationCase>(e =>
        {
            e.ToTable("cases", t => t.HasCheckConstraint("cases_closed_consistent",
                "(status = 'closed') = (closed_at IS NOT NULL AND closed_by IS NOT NULL)"));
            e.HasKey(c => c.Id);
            e.Property(c => c.Title).HasMaxLength(WorkspaceLimits.TitleLength);
            e.Property(c => c.Purpose).HasMaxLength(WorkspaceLimits.TextLength);
            e.Property(c => c.Reference).HasMaxLength(WorkspaceLimits.ReferenceLength);
            e.Property(c => c.Status).HasConversion(s => s == CaseStatus.Open ? "open" : "closed", s => s == "open" ? CaseStatus.Open : CaseStatus.Closed);
            e.HasMany(c => c.Members).WithOne().HasForeignKey(m => m.CaseId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(c => c.OwnerSubject);
        });

        modelBuilder.Entity<CaseMember>(e =>
        {
            e.ToTable("case_members", t => t.HasCheckConstraint("case_members_role", "role IN ('investigator', 'auditor')"));
            e.HasKey(m => new { m.CaseId, m.SubjectId });
            e.HasIndex(m => m.SubjectId);
        });

        modelBuilder.Entity<KnownUser>(e =>
        {
            e.ToTable("known_users", t => t.HasCheckConstraint("known_users_case_roles", "roles <@ ARRAY['investigator', 'auditor']::text[] AND cardinality(roles) > 0"));
            e.HasKey(u => u.SubjectId);
            e.Property(u => u.SubjectId).HasMaxLength(WorkspaceLimits.TitleLength);
            e.Property(u => u.DisplayName).HasMaxLength(WorkspaceLimits.TitleLength);
        });

        modelBuilder.Entity<UnmaskGrant>(e =>
        {
            e.ToTable("unmask_grants", t => t.HasCheckConstraint("unmask_grants_expiry_after_grant", "expires_at > granted_at"));
            e.HasKey(g => g.Id);
            e.Property(g => g.Reason).HasMaxLength(WorkspaceLimits.TextLength);
            e.HasOne<InvestigationCase>().WithMany().HasForeignKey(g => g.CaseId).OnDelete(DeleteBehavior.Restrict);
            // The per-request check: one index probe for (grantee, case), live rows only.
            e.HasIndex(g => new { g.GranteeSubject, g.CaseId, g.ExpiresAt }).HasFilter("revoked_at IS NULL");
            e.HasIndex(g => g.AccessLogSeq).IsUnique();
        });

        modelBuilder.Entity<Annotation>(e =>
        {
            e.ToTable("annotations");
            e.HasKey(a => a.Id);
            e.Property(a => a.Label).HasMaxLength(WorkspaceLimits.LabelLength);
            e.Property(a => a.Comment).HasMaxLength(WorkspaceLimits.TextLength);
            e.HasOne<InvestigationCase>().WithMany().HasForeignKey(a => a.CaseId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(a => new { a.CaseId, a.EventId }).IsUnique();
            e.HasIndex(a => new { a.CaseId, a.StreamType, a.StreamId });
        });

        modelBuilder.Entity<SavedView>(e =>
        {
            e.ToTable("saved_views", t => t.HasCheckConstraint("saved_views_relative_url", "url LIKE '/%' AND url NOT LIKE '//%'"));
            e.HasKey(v => v.Id);
            e.Property(v => v.Name).HasMaxLength(WorkspaceLimits.TitleLength);
            e.Property(v => v.Url).HasMaxLength(WorkspaceLimits.UrlLength);
            e.HasOne<InvestigationCase>().WithMany().HasForeignKey(v => v.CaseId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(v => new { v.CaseId, v.Name }).IsUnique();
        });

        modelBuilder.Entity<ReviewAcknowledgement>(e =>
        {
            e.ToTable("review_acknowledgements");
            e.HasKey(a => a.Id);
            e.Property(a => a.FlagKey).HasMaxLength(WorkspaceLimits.TextLength);
            e.Property(a => a.RuleId).HasMaxLength(WorkspaceLimits.LabelLength);
            e.Property(a => a.Note).HasMaxLength(WorkspaceLimits.TextLength);
            e.HasIndex(a => a.FlagKey).IsUnique(); // one acknowledgement per flag
            e.HasIndex(a => a.AccessLogSeq).IsUnique();
        });

        modelBuilder.Entity<EvidenceExportRecord>(e =>
        {
            e.ToTable("evidence_exports", t =>
            {
                t.HasCheckConstraint("evidence_exports_pdf_sha256", "pdf_sha256 ~ '^[0-9a-f]{64}$'");
                t.HasCheckConstraint("evidence_exports_bundle_sha256", "bundle_sha256 ~ '^[0-9a-f]{64}$'");
            });
            e.HasKey(x => x.Id);
            e.Property(x => x.ExportId).HasMaxLength(WorkspaceLimits.LabelLength);
            e.Property(x => x.Scope).HasMaxLength(WorkspaceLimits.TextLength);
            e.Property(x => x.PdfSha256).HasMaxLength(64);
            e.Property(x => x.BundleSha256).HasMaxLength(64);
            e.HasOne<InvestigationCase>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.CaseId, x.ExportedAt }); // the case's export list
            e.HasIndex(x => x.PdfSha256);                    // the verify page's hash lookup
            e.HasIndex(x => x.BundleSha256);
            e.HasIndex(x => x.ExportId).IsUnique();
            e.HasIndex(x => x.AccessLogSeq).IsUnique();
        });

        modelBuilder.Entity<EvidenceExportFile>(e =>
        {
            e.ToTable("evidence_export_files");
            e.HasKey(x => x.ExportRowId);
            e.HasOne<EvidenceExportRecord>().WithOne().HasForeignKey<EvidenceExportFile>(x => x.ExportRowId).OnDelete(DeleteBehavior.Restrict);
        });

        // snake_case column names, like every other table of the project.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
                property.SetColumnName(SnakeCase(property.Name));
        }
    }

    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
                builder.Append('_');
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}
