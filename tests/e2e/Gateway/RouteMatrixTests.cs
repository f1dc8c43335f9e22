using System.Net;

namespace AuditPortal.Tests.E2e.Gateway;

/// <summary>Every route × {anonymous, norole, auditor, investigator, admin} over the real databases.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RouteMatrixTests(LedgerDatabasesFixture databases) : IDisposable
{
    private const string Api = "/api/streams/account/acc-000001/events";
    private readonly GatewayPortalFactory _factory = new(databases);

    public static TheoryData<string, string, int> Matrix()
    {
        var data = new TheoryData<string, string, int>();
        void Row(string path, int anonymous, int norole, int auditor, int investigator, int admin)
        {
            data.Add(path, "anonymous", anonymous);
            data.Add(path, "norole", norole);
            data.Add(path, "auditor", auditor);
            data.Add(path, "investigator", investigator);
            data.Add(path, "admin", admin);
        }
        //           path               anon norole aud  inv  admin
        Row("/",                        302, 403,   200, 200, 200);
        Row("/timeline",                302, 403,   200, 200, 403);
        Row("/verification",            302, 403,   200, 200, 200); // admins watch and cancel runs (docs/verification.md)
        Row("/verification/checkpoints", 302, 403,   200, 200, 403);
        Row("/verification/proofs",     302, 403,   200, 200, 403);
        Row("/lineage/stale",           302, 403,   200, 200, 403);
        Row("/evidence",                302, 404,   404, 404, 404); // not built yet: no placeholder page
        // An export's PDF: investigators of its case only (docs/evidence-pdf.md); unknown or malformed ids are 404s.
        Row("/evidence/exports/exp-00000000000000000000000000000000", 302, 403, 403, 404, 403);
        Row("/evidence/exports/not-an-export", 302, 403, 403, 404, 403);
        Row("/access-log",              302, 403,   403, 403, 200); // admins review the access log (docs/access-log-review.md)
        Row("/access-log?outcome=refused&role=auditor", 302, 403, 403, 403, 200);
        Row("/access-log/users/auditor1", 302, 403,  403, 403, 200);
        Row("/access-log/cases/CASE-1", 302, 403,   403, 403, 200);
        Row("/access-log/entries/1",    302, 403,   403, 403, 200);
        Row("/access-log/entries/0",    302, 403,   403, 403, 400);
        Row("/access-log/entries/999999999", 302, 403, 403, 403, 404);
        Row("/access-log/export.csv",   302, 403,   403, 403, 200);
        Row("/access-log/export.csv?from=nonsense", 302, 403, 403, 403, 400);
        Row("/access-log/export.pdf",   302, 403,   403, 403, 503); // this portal has no access-log checkpoint key: no PDF can be signed (AccessLogReviewPdfTests: 200)
        Row("/access-log/export.pdf?from=nonsense", 302, 403, 403, 403, 400);
        Row("/access-log/flags",        302, 403,   403, 403, 200);
        Row("/access-log/verification", 302, 403,   403, 403, 200);
        Row(Api,                        401, 403,   200, 200, 403);
        Row("/healthz",                 200, 200,   200, 200, 200);
        Row("/healthz/details",         302, 403,   403, 403, 200); // check names, addresses and lag: admins only
        Row("/error/404",               404, 404,   404, 404, 404);
        Row("/no-such-page",            302, 404,   404, 404, 404); // anonymous: sign in first (fallback policy)
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Route_Caller_GetsExpectedStatus(string path, string caller, int expected)
    {
        using var client = _factory.ClientFor(caller);
        if (path.StartsWith("/api", StringComparison.Ordinal))
            client.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        using var response = await client.GetAsync(path);

        // /healthz is 503 when any check fails; the provider is down in this factory, so accept that.
        if (path.StartsWith("/healthz", StringComparison.Ordinal) && expected == 200)
            ((int)response.StatusCode).ShouldBeOneOf(200, 503);
        else
            ((int)response.StatusCode).ShouldBe(expected, $"{caller} GET {path}");
        if (expected == 302)
            response.Headers.Location!.PathAndQuery.ShouldStartWith("/login?returnUrl=");
        response.StatusCode.ShouldNotBe(HttpStatusCode.InternalServerError);
    }

    public void Dispose() => _factory.Dispose();
}
