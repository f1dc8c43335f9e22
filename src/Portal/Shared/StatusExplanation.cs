namespace AuditPortal.Portal.Shared;

/// <summary>
/// What a page wants the status page to say about its status. .NET 10 does not render the body of a
/// component page that set 404 itself (its not-found handling takes over, and the status-code pages
/// re-execute <c>/error/404</c> in the same <see cref="HttpContext"/>), so a page that knows why
/// something is not found (e.g. "there is no stream account/x") leaves the explanation here and the
/// status page shows it.
/// </summary>
public static class StatusExplanation
{
    private const string Key = "portal.status-explanation";

    public static void Set(HttpContext context, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[Key] = lines;
    }

    public static IReadOnlyList<string> Get(HttpContext? context) =>
        context?.Items.TryGetValue(Key, out var value) == true && value is IReadOnlyList<string> lines ? lines : [];
}
