using AngleSharp.Dom;
using System.Net;
using AngleSharp.Html.Dom;

namespace AuditPortal.Tests.E2e.Portal;

/// <summary>Sign-in through the real development OpenID Provider (node, oidc-provider 9.13).</summary>
[Collection(nameof(DevOidcProviderCollection))]
public sealed class SignInRoundTripTests(DevOidcProvider provider)
{
    private Browser NewBrowser() => new(provider.Portal);

    private static string[] NavLinks(IHtmlDocument doc) =>
        doc.QuerySelectorAll("nav[aria-label=Main] a").Select(a => a.TextContent.Trim()).ToArray();

    [Theory]
    [InlineData("auditor1", "auditor1-dev", "Ada Auditor", new[] { "Overview", "Timeline", "Stale outputs", "Cases", "Verification", "Checkpoints", "Proofs", "Verify evidence" })]
    [InlineData("investigator1", "investigator1-dev", "Ivo Investigator", new[] { "Overview", "Timeline", "Stale outputs", "Cases", "Verification", "Checkpoints", "Proofs", "Verify evidence" })]
    [InlineData("admin1", "admin1-dev", "Alma Admin", new[] { "Overview", "Verification", "Verify evidence", "Access log" })]
    public async Task SignIn_DemoAccount_LandsHomeWithNavigationForItsRole(string user, string password, string name, string[] links)
    {
        using var browser = NewBrowser();

        using var home = await browser.SignInAsync(user, password);

        home.StatusCode.ShouldBe(HttpStatusCode.OK, provider.Output);
        browser.LastUri!.AbsolutePath.ShouldBe("/");
        var doc = await Browser.ParseAsync(home);
        NavLinks(doc).ShouldBe(links);
        doc.QuerySelector("[data-testid=current-user]")!.TextContent.ShouldContain(name);
    }

    [Theory]
    [InlineData("auditor1", "auditor1-dev", 200, 200, 200, 200)]
    [InlineData("investigator1", "investigator1-dev", 200, 200, 200, 200)]
    [InlineData("admin1", "admin1-dev", 200, 403, 200, 403)]
    [InlineData("norole1", "norole1-dev", 403, 403, 403, 403)]
    public async Task Pages_SignedIn_StatusFollowsRole(string user, string password, int home, int timeline, int verification, int checkpoints)
    {
        using var browser = NewBrowser();
        (await browser.SignInAsync(user, password)).Dispose();

        var actual = new List<int>();
        foreach (var path in new[] { "/", "/timeline", "/verification", "/verification/checkpoints" })
        {
            using var response = await browser.GetAsync(path);
            actual.Add((int)response.StatusCode);
        }

        actual.ShouldBe([home, timeline, verification, checkpoints]);
    }

    [Fact]
    public async Task SignIn_UserWithoutPortalRole_SeesNoAccessPage()
    {
        using var browser = NewBrowser();

        using var response = await browser.SignInAsync("norole1", "norole1-dev");

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var doc = await Browser.ParseAsync(response);
        doc.QuerySelector("[data-testid=no-access]")!.TextContent.ShouldContain("has no AuditPortal role");
        NavLinks(doc).ShouldBeEmpty();
    }

    [Fact]
    public async Task SignIn_ReturnUrl_IsHonoured()
    {
        using var browser = NewBrowser();

        using var response = await browser.SignInAsync("auditor1", "auditor1-dev", "/verification");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        browser.LastUri!.AbsolutePath.ShouldBe("/verification");
    }

    [Fact]
    public async Task SignIn_WrongPassword_ProviderRefusesAndPortalStaysSignedOut()
    {
        using var browser = NewBrowser();
        using var login = await browser.GetAsync("/login");

        using var refused = await browser.SubmitAsync(await Browser.ParseAsync(login), "/login",
            new() { ["username"] = "admin1", ["password"] = "not-the-password" });

        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("wrong password");
        using var home = await browser.SendAsync(HttpMethod.Get, new Uri(PortalFactory.BaseAddress, "/"));
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task SignIn_UserCancels_PortalShows400ProviderError()
    {
        using var browser = NewBrowser();
        using var login = await browser.GetAsync("/login");

        using var response = await browser.SubmitAsync(await Browser.ParseAsync(login), "/abort");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("The sign-in provider refused the sign-in");
    }

    [Fact]
    public async Task SignIn_SessionCookie_IsHttpOnlySecureLax()
    {
        using var browser = NewBrowser();
        using var login = await browser.GetAsync("/login");
        using var consent = await browser.SubmitAsync(await Browser.ParseAsync(login), "/login",
            new() { ["username"] = "auditor1", ["password"] = "auditor1-dev" });
        var confirm = (await Browser.ParseAsync(consent)).Forms.Single(f => f.Action.EndsWith("/confirm", StringComparison.Ordinal));

        // Walk the redirects by hand to see the callback's Set-Cookie.
        var response = await browser.SendAsync(HttpMethod.Post, new Uri(browser.LastUri!, confirm.GetAttribute("action")!), new FormUrlEncodedContent([]));
        while (response.Headers.Location is { } location && browser.LastUri!.AbsolutePath != "/signin-oidc")
        {
            var next = new Uri(browser.LastUri!, location);
            response.Dispose();
            response = await browser.SendAsync(HttpMethod.Get, next);
        }

        using (response)
        {
            browser.LastUri!.AbsolutePath.ShouldBe("/signin-oidc");
            var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__portal=", StringComparison.Ordinal));
            cookie.ShouldContain("httponly");
            cookie.ShouldContain("secure");
            cookie.ShouldContain("samesite=lax");
        }
    }

    [Fact]
    public async Task SignOut_CookieCapturedBefore_IsWorthlessAfter()
    {
        using var browser = NewBrowser();
        using var home = await browser.SignInAsync("auditor1", "auditor1-dev");
        home.StatusCode.ShouldBe(HttpStatusCode.OK);
        var token = (await Browser.ParseAsync(home)).QuerySelector<IHtmlInputElement>("form[action='/logout'] input[name=__RequestVerificationToken]")!.Value;
        var captured = browser.PortalCookie("__portal").ShouldNotBeNull();

        // The captured cookie works while the session lives ...
        using (var before = await ReplayAsync(captured, "/timeline"))
            before.StatusCode.ShouldBe(HttpStatusCode.OK);

        using (var logout = await browser.SendAsync(HttpMethod.Post, new Uri(PortalFactory.BaseAddress, "/logout"),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)])))
            logout.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // ... and not after sign-out: the server-side session is gone, whoever holds a copy.
        using var after = await ReplayAsync(captured, "/timeline");
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.Headers.Location!.AbsolutePath.ShouldBe("/login");
        using var api = await ReplayAsync(captured, "/api/streams/account/acc-000001/events", "application/json");
        api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    /// <summary>A request from a fresh client that carries only the given cookie (as a stolen copy would be replayed).</summary>
    private async Task<HttpResponseMessage> ReplayAsync(string cookie, string path, string accept = "text/html")
    {
        using var client = provider.Portal.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = PortalFactory.BaseAddress, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        request.Headers.Add("Cookie", "__portal=" + cookie);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task SignOut_RedirectsToEndSessionWithIdTokenHintAndEndsSession()
    {
        using var browser = NewBrowser();
        using var home = await browser.SignInAsync("investigator1", "investigator1-dev");
        var doc = await Browser.ParseAsync(home);
        var token = doc.QuerySelector<IHtmlInputElement>("form[action='/logout'] input[name=__RequestVerificationToken]")!.Value;

        using var logout = await browser.SendAsync(HttpMethod.Post, new Uri(PortalFactory.BaseAddress, "/logout"),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));

        logout.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = logout.Headers.Location!;
        location.GetLeftPart(UriPartial.Path).ShouldBe($"{provider.Issuer}/session/end");
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query);
        query["post_logout_redirect_uri"].ToString().ShouldBe("https://localhost/signout-callback-oidc");
        query["id_token_hint"].ToString().Split('.').Length.ShouldBe(3);
        query["state"].ToString().ShouldNotBeNullOrEmpty("the handler checks its own state on the way back");

        // The provider asks for confirmation, then returns to the portal's signed-out page.
        using var confirmPage = await browser.NavigateAsync(HttpMethod.Get, location);
        var form = (await Browser.ParseAsync(confirmPage)).Forms.Single();
        var fields = form.QuerySelectorAll<IHtmlInputElement>("input[type=hidden]").ToDictionary(i => i.Name!, i => i.Value, StringComparer.Ordinal);
        fields["logout"] = "yes";
        using var signedOut = await browser.NavigateAsync(HttpMethod.Post, new Uri(browser.LastUri!, form.GetAttribute("action")!), new FormUrlEncodedContent(fields));
        signedOut.StatusCode.ShouldBe(HttpStatusCode.OK);
        browser.LastUri!.ToString().ShouldBe("https://localhost/signed-out");

        using var after = await browser.SendAsync(HttpMethod.Get, new Uri(PortalFactory.BaseAddress, "/"));
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.Headers.Location!.AbsolutePath.ShouldBe("/login");
    }
}

[CollectionDefinition(nameof(DevOidcProviderCollection))]
public sealed class DevOidcProviderCollection : ICollectionFixture<DevOidcProvider>;
