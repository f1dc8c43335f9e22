using System.Net;
using System.Security.Claims;
using AuditPortal.Data.AccessLog;
using AuditPortal.Portal.AccessLogReview;
using AuditPortal.Portal.Auth;
using AuditPortal.Tests.E2e.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuditPortal.Tests.E2e.AccessLogReview;

/// <summary>What the "what did they see" tests do around the re-run: find a user's logged queries, wait for them, re-run one as an admin.</summary>
internal static class AccessLogReplay
{
    public static async Task<WhatTheySawView> WhatTheySawAsync(GatewayPortalFactory portal, string admin, long seq)
    {
        using var scope = portal.Services.CreateScope();
        var queries = scope.ServiceProvider.GetRequiredService<AccessLogQueries>();
        var principal = PortalPrincipal.Create([new Claim("sub", admin), new Claim("preferred_username", admin), new Claim("name", admin)], [PortalRoles.Admin]);
        var result = await queries.WhatTheySawAsync(principal, seq, CancellationToken.None);
        result.IsOk.ShouldBeTrue(result.Message);
        return result.Value!;
    }

    /// <summary>
    /// <paramref name="user"/> (an auditor) opens each page (200 each), and once their outcomes reached the standby, their
    /// logged requests come back in order, each of the page's kind.
    /// </summary>
    public static async Task<List<(long Seq, string Kind)>> OpenAsync(GatewayPortalFactory portal, LedgerDatabasesFixture databases, string user,
        IReadOnlyList<(string Url, string Kind)> pages)
    {
        using (var client = portal.ClientFor("auditor", user))
        {
            foreach (var (url, _) in pages)
                (await client.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.OK, url);
        }
        await WaitForCompletionsAsync(databases, user, pages.Count);
        var requests = await RequestsOfAsync(databases, user);
        requests.Select(r => r.Kind).ShouldBe(pages.Select(p => p.Kind));
        return requests;
    }

    /// <summary>Waits until the access log's standby has <paramref name="count"/> outcomes of this user (the review reads the standby).</summary>
    public static Task WaitForCompletionsAsync(LedgerDatabasesFixture databases, string user, int count) =>
        WaitOnStandbyAsync(databases, user, AccessLogEvents.CompletedAction, count);

    /// <summary>Waits until the access log's standby has <paramref name="count"/> events of this action for this user.</summary>
    public static async Task WaitOnStandbyAsync(LedgerDatabasesFixture databases, string user, string action, long count)
    {
        await using var connection = new NpgsqlConnection(databases.Replica(databases.PortalDb));
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1 AND action = $2", connection);
            cmd.Parameters.Add(new NpgsqlParameter { Value = user });
            cmd.Parameters.Add(new NpgsqlParameter { Value = action });
            if ((long)(await cmd.ExecuteScalarAsync())! >= count)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{count} × {action} of {user} did not reach the access log's standby");
            await Task.Delay(20); // poll interval; the condition decides
        }
    }

    /// <summary>The user's query requests in the access log, oldest first: their seqs and kinds.</summary>
    public static async Task<List<(long Seq, string Kind)>> RequestsOfAsync(LedgerDatabasesFixture databases, string user)
    {
        await using var connection = new NpgsqlConnection(databases.Primary(databases.PortalDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT seq, payload::jsonb->>'kind' FROM ledger.events WHERE stream_id = $1 AND action = 'query.requested' ORDER BY seq", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = user });
        await using var reader = await cmd.ExecuteReaderAsync();
        var requests = new List<(long, string)>();
        while (await reader.ReadAsync())
            requests.Add((reader.GetInt64(0), reader.GetString(1)));
        return requests;
    }
}
