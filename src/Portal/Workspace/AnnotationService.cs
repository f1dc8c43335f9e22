using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using AuditPortal.Data.Timeline;
using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Verification.Ledger;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Portal.Workspace;

/// <summary>An annotation as a page sets it: the event (with its stream, for the link back) and the star, label and comment.</summary>
public sealed record AnnotationInput(Guid EventId, string StreamType, string StreamId, long StreamSeq, bool Starred, string? Label, string? Comment)
{
    public bool IsEmpty => !Starred && string.IsNullOrWhiteSpace(Label) && string.IsNullOrWhiteSpace(Comment);
}

/// <summary>
/// Star, label and comment on a ledger event, per case (docs/workspace.md). Members of an open case (investigators
/// and auditors) annotate; each change is an access-log entry first (<c>annotation.set</c>), with the star, the
/// label and the comment's length and SHA-256 — not the comment's text, which may quote what a grant revealed.
/// Clearing everything deletes the annotation.
/// </summary>
public sealed class AnnotationService(QueryGateway gateway, IDbContextFactory<WorkspaceDbContext> workspace, TimeProvider time)
{
    public static string? Check(AnnotationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return QueryPurpose.Problem(input.Label, "The label", 0, WorkspaceLimits.LabelLength)
            ?? QueryPurpose.Problem(input.Comment, "The comment", 0, WorkspaceLimits.TextLength)
            ?? (input.Label?.Trim().Any(char.IsWhiteSpace) == true ? "A label is one word (use - or _ between parts)." : null);
    }

    public async Task<GatewayResult<Annotation?>> SetAsync(ClaimsPrincipal user, Guid caseId, AnnotationInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(input);
        if (Check(input) is { } problem)
            return GatewayResult<Annotation?>.Fail(GatewayStatus.BadRequest, problem);
        var label = string.IsNullOrWhiteSpace(input.Label) ? null : input.Label.Trim();
        var comment = string.IsNullOrWhiteSpace(input.Comment) ? null : input.Comment.Trim();
        var parameters = new
        {
            event_id = input.EventId.ToString("D"),
            starred = input.Starred,
            label,
            comment_length = comment?.Length ?? 0,
            comment_sha256 = comment is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(comment))),
        };
        return await gateway.RecordAsync<Annotation?>(WorkspaceKinds.AnnotationSet, user, caseId, parameters, null, async (_, token) =>
        {
            await using var db = await workspace.CreateDbContextAsync(token);
            var now = time.GetUtcNow();
            await MemberOfOpenCaseAsync(db, user, caseId, now, token);
            var existing = await db.Annotations.SingleOrDefaultAsync(a => a.CaseId == caseId && a.EventId == input.EventId, token);
            if (input.IsEmpty)
            {
                if (existing is not null)
                    db.Annotations.Remove(existing);
                await db.SaveChangesAsync(token);
                return (null, [input.EventId]);
            }
            if (existing is null)
            {
                existing = new Annotation
                {
                    Id = Guid.CreateVersion7(now), CaseId = caseId, EventId = input.EventId, StreamType = input.StreamType, StreamId = input.StreamId,
                    StreamSeq = input.StreamSeq, UpdatedBy = user.SubjectId(), CreatedAt = now,
                };
                db.Annotations.Add(existing);
            }
            existing.Starred = input.Starred;
            existing.Label = label;
            existing.Comment = comment;
            existing.UpdatedBy = user.SubjectId();
            existing.UpdatedAt = now;
            await db.SaveChangesAsync(token);
            return (existing, [input.EventId]);
        }, ct);
    }

    /// <summary>
    /// The case's annotated events of <paramref name="stream"/> that match a timeline's annotation filter (one query):
    /// <c>starred</c>, any annotation (<c>annotated</c>) or <paramref name="label"/>; empty when the caller is not a member.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> EventIdsAsync(ClaimsPrincipal user, Guid caseId, StreamKey stream, string? mark, string? label, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = user.SubjectId();
        await using var db = await workspace.CreateDbContextAsync(ct);
        var annotations = db.Annotations.AsNoTracking()
            .Where(a => a.CaseId == caseId && a.StreamType == stream.Type && a.StreamId == stream.Id
                        && db.CaseMembers.Any(m => m.CaseId == caseId && m.SubjectId == subject));
        if (mark == AuditPortal.Portal.Timeline.TimelineCriteria.Starred)
            annotations = annotations.Where(a => a.Starred);
        if (label is not null)
            annotations = annotations.Where(a => a.Label == label);
        return await annotations.Select(a => a.EventId).Take(TimelineRequest.MaxEventIds).ToListAsync(ct);
    }

    /// <summary>
    /// What a timeline page shows of the case: the annotations of <paramref name="eventIds"/>, and the labels used in the
    /// case (filter links, autocompletion). Two statements on one workspace connection; empty when the caller is not a member.
    /// </summary>
    public async Task<(IReadOnlyDictionary<Guid, Annotation> Notes, IReadOnlyList<string> Labels)> ForPageAsync(ClaimsPrincipal user, Guid caseId,
        IReadOnlyCollection<Guid> eventIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = user.SubjectId();
        await using var db = await workspace.CreateDbContextAsync(ct);
        var member = db.Annotations.AsNoTracking()
            .Where(a => a.CaseId == caseId && db.CaseMembers.Any(m => m.CaseId == caseId && m.SubjectId == subject));
        var notes = await member.Where(a => eventIds.Contains(a.EventId)).ToDictionaryAsync(a => a.EventId, ct);
        var labels = await member.Where(a => a.Label != null).Select(a => a.Label!).Distinct().OrderBy(l => l).ToListAsync(ct);
        return (notes, labels);
    }

    internal static async Task MemberOfOpenCaseAsync(WorkspaceDbContext db, ClaimsPrincipal user, Guid caseId, DateTimeOffset now, CancellationToken ct)
    {
        var access = await CaseAccess.LoadAsync(db, caseId, user.SubjectId(), now, ct);
        if (access is null)
            throw WorkspaceRefusal.Forbidden("That case is not one of yours.");
        if (!access.IsOpen)
            throw WorkspaceRefusal.BadRequest("That case is closed.");
    }
}
