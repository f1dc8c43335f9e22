using Microsoft.AspNetCore.Http;

namespace AuditPortal.Portal.Auth;

public enum SignInFailureReason
{
    /// <summary>The provider's discovery document, keys or token endpoint could not be reached.</summary>
    ProviderUnavailable,
    /// <summary>The provider answered, but not like the configured one (issuer mismatch, bad token response).</summary>
    ProviderMisconfigured,
    /// <summary>The provider reported an error (e.g. access_denied) on the callback.</summary>
    ProviderError,
    /// <summary>The state parameter or correlation cookie was missing, tampered with or expired.</summary>
    InvalidState,
    /// <summary>The id_token failed validation (signature, issuer, audience, expiry or nonce).</summary>
    InvalidIdToken,
    /// <summary>Any other malformed callback.</summary>
    InvalidCallback,
}

/// <summary>What the error page shows after a failed sign-in: carried in <see cref="HttpContext.Items"/> across re-execution.</summary>
public sealed record SignInFailure(SignInFailureReason Reason, string Detail)
{
    private static readonly object ItemKey = new();

    public int StatusCode => Reason is SignInFailureReason.ProviderUnavailable or SignInFailureReason.ProviderMisconfigured
        ? StatusCodes.Status502BadGateway
        : StatusCodes.Status400BadRequest;

    public string Title => Reason switch
    {
        SignInFailureReason.ProviderUnavailable => "The sign-in provider is not reachable",
        SignInFailureReason.ProviderMisconfigured => "The sign-in provider answered unexpectedly",
        SignInFailureReason.ProviderError => "The sign-in provider refused the sign-in",
        SignInFailureReason.InvalidState => "The sign-in request could not be verified",
        SignInFailureReason.InvalidIdToken => "The identity token was rejected",
        _ => "The sign-in response was not valid",
    };

    /// <summary>Ends the current request with the failure's status code; the status-code page renders it.</summary>
    public void Apply(HttpContext context)
    {
        context.Items[ItemKey] = this;
        context.Response.StatusCode = StatusCode;
    }

    public static SignInFailure? From(HttpContext? context) =>
        context is not null && context.Items.TryGetValue(ItemKey, out var value) ? value as SignInFailure : null;
}
