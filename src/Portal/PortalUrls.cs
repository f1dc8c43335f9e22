namespace AuditPortal.Portal;

/// <summary>Every URL the portal links to, built in one place.</summary>
public static class PortalUrls
{
    public const string Home = "/";
    public const string Login = "/login";
    public const string Logout = "/logout";
    public const string SignedOut = "/signed-out";
    public const string Health = "/healthz";
    public const string Timeline = "/timeline";
    public const string Verification = "/verification";
    public const string Evidence = "/evidence";
    public const string AccessLog = "/access-log";
    public const string Error = "/error";
    public const string StreamEventsPattern = "/api/streams/{type}/{id}/events";

    public static string StreamEvents(string type, string id) =>
        $"/api/streams/{Uri.EscapeDataString(type)}/{Uri.EscapeDataString(id)}/events";

    public const string VerificationRuns = "/verification/runs";
    public const string VerificationRunPattern = "/verification/runs/{id:guid}";
    public const string VerificationRunEventsPattern = "/verification/runs/{id:guid}/events";
    public const string VerificationRunCancelPattern = "/verification/runs/{id:guid}/cancel";
    public const string Checkpoints = "/verification/checkpoints";
    public const string Proofs = "/verification/proofs";
    public const string InclusionProofDownload = "/verification/proofs/inclusion.json";
    public const string ConsistencyProofDownload = "/verification/proofs/consistency.json";
    public const string VerificationScript = "/js/verification.js";

    public static string VerificationRun(Guid id) => $"{VerificationRuns}/{id:D}";

    public static string VerificationRunEvents(Guid id, int afterFinding = 0) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{VerificationRuns}/{id:D}/events?after={afterFinding}");

    public static string VerificationRunCancel(Guid id) => $"{VerificationRuns}/{id:D}/cancel";

    /// <summary>An event in its stream's timeline (the timeline page selects <paramref name="seq"/>).</summary>
    public static string TimelineEvent(string streamType, string streamId, long? seq) =>
        $"{Timeline}?type={Uri.EscapeDataString(streamType)}&id={Uri.EscapeDataString(streamId)}"
        + (seq is { } s ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"&seq={s}#seq-{s}") : "");

    public static string InclusionProof(long seq, long size) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Proofs}?seq={seq}&size={size}");

    public static string ConsistencyProof(long size1, long size2) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Proofs}?size1={size1}&size2={size2}");

    public static string InclusionProofJson(long seq, long size) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{InclusionProofDownload}?seq={seq}&size={size}");

    public static string ConsistencyProofJson(long size1, long size2) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ConsistencyProofDownload}?size1={size1}&size2={size2}");

    public static string LoginWithReturn(string returnUrl) => $"{Login}?returnUrl={Uri.EscapeDataString(returnUrl)}";

    public static string StatusPage(int statusCode) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Error}/{statusCode}");
}
