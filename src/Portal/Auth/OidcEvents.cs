using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AuditPortal.Portal.Auth;

/// <summary>What the portal adds to the OpenID Connect handler: its own principal, the kept tokens, failure pages.</summary>
internal sealed class OidcEvents : OpenIdConnectEvents
{
    /// <summary>
    /// The validated id_token becomes the portal's principal: a few of its claims, the portal roles mapped
    /// from the configured roles claim (<see cref="RoleMapper"/>), and a fresh portal session id (the key
    /// of the server-side session, <see cref="SessionStore"/>).
    /// </summary>
    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var claims = context.Principal?.Claims.ToList() ?? [];
        var roles = context.HttpContext.RequestServices.GetRequiredService<RoleMapper>().Map(claims);
        var principal = PortalPrincipal.Create(claims, roles);
        var sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(SessionStore.SessionIdClaim, sessionId));
        context.Principal = principal;
        await RecordKnownUserAsync(context.HttpContext, principal);
    }

    /// <summary>
    /// The user joins the case page's member picker (<see cref="Workspace.KnownUsers"/>). A convenience: when the
    /// portal database is down the sign-in goes on (logged), and the user is offered after their next sign-in.
    /// </summary>
    private static async Task RecordKnownUserAsync(HttpContext http, ClaimsPrincipal principal)
    {
        try
        {
            await http.RequestServices.GetRequiredService<Workspace.KnownUsers>().RecordSignInAsync(principal, http.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<OidcEvents>()
                .LogWarning(ex, "Could not record the signed-in user for the member picker");
        }
    }

    /// <summary>Only the id_token is kept (for <c>id_token_hint</c> at logout); the portal calls no API with the access token.</summary>
    public override Task TicketReceived(TicketReceivedContext context)
    {
        if (context.Properties?.GetTokenValue(OpenIdConnectParameterNames.IdToken) is { } idToken)
            context.Properties.StoreTokens([new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
        return Task.CompletedTask;
    }

    /// <summary>A failed callback: a plain status page that says what happened (details only in the log).</summary>
    public override Task RemoteFailure(RemoteFailureContext context)
    {
        var failure = Classify(context.Failure);
        context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<OidcEvents>()
            .LogWarning(context.Failure, "Sign-in failed: {Reason}", failure.Reason);
        failure.Apply(context.HttpContext);
        context.HandleResponse();
        return Task.CompletedTask;
    }

    internal static SignInFailure Classify(Exception? failure) => failure switch
    {
        HttpRequestException or TaskCanceledException => new SignInFailure(SignInFailureReason.ProviderUnavailable, failure.Message),
        InvalidOperationException { InnerException: HttpRequestException or TaskCanceledException or IOException } =>
            new SignInFailure(SignInFailureReason.ProviderUnavailable, failure.Message),
        OpenIdConnectProtocolInvalidNonceException or SecurityTokenException or OpenIdConnectProtocolInvalidCHashException
            => new SignInFailure(SignInFailureReason.InvalidIdToken, failure.Message),
        // The provider's `error=` parameter (e.g. access_denied when the user cancels).
        OpenIdConnectProtocolException { Data: var data } when data.Contains("error") =>
            new SignInFailure(SignInFailureReason.ProviderError, Convert.ToString(data["error"], System.Globalization.CultureInfo.InvariantCulture) ?? "error"),
        { Message: var m } when m.Contains("state", StringComparison.OrdinalIgnoreCase) || m.Contains("Correlation", StringComparison.Ordinal)
            => new SignInFailure(SignInFailureReason.InvalidState, m),
        OpenIdConnectProtocolException { Message: var m } when m.Contains("error", StringComparison.OrdinalIgnoreCase)
            => new SignInFailure(SignInFailureReason.ProviderError, m),
        OpenIdConnectProtocolException => new SignInFailure(SignInFailureReason.ProviderMisconfigured, failure.Message),
        _ => new SignInFailure(SignInFailureReason.InvalidCallback, failure?.Message ?? "unknown"),
    };
}
