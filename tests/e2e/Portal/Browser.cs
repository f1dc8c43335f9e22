using AngleSharp.Dom;
using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace AuditPortal.Tests.E2e.Portal;

/// <summary>
/// Follows redirects between the in-memory portal (https://localhost) and the real provider
/// (http://127.0.0.1:port) the way a browser would, each with its own cookie jar.
/// </summary>
public sealed class Browser : IDisposable
{
    private readonly HttpClient _portal;
    private readonly HttpClient _provider;
    private readonly HttpClientHandler _providerHandler;

    public Browser(PortalFactory portal) : this(portal.CreatePortalClient())
    {
    }

    /// <summary>With a portal client of one's own (e.g. from a factory with replaced services).</summary>
    public Browser(HttpClient portalClient)
    {
        _portal = portalClient;
        _providerHandler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
        _provider = new HttpClient(_providerHandler);
    }

    public Uri? LastUri { get; private set; }

    /// <summary>The value of the portal's cookie <paramref name="name"/>, as the portal last set it (reads the response headers the client kept).</summary>
    public string? PortalCookie(string name) => _portalCookies.TryGetValue(name, out var value) ? value : null;

    private readonly Dictionary<string, string> _portalCookies = new(StringComparer.Ordinal);

    public void Dispose()
    {
        _portal.Dispose();
        _provider.Dispose();
        _providerHandler.Dispose();
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, HttpContent? content = null)
    {
        LastUri = uri;
        var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Accept.ParseAdd("text/html");
        return SendAndRecordAsync(uri.Host == PortalFactory.BaseAddress.Host, request);
    }

    private async Task<HttpResponseMessage> SendAndRecordAsync(bool toPortal, HttpRequestMessage request)
    {
        var response = await (toPortal ? _portal : _provider).SendAsync(request);
        if (toPortal && response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                var pair = cookie.Split(';', 2)[0].Split('=', 2);
                if (pair.Length == 2)
                    _portalCookies[pair[0]] = pair[1];
            }
        }
        return response;
    }

    /// <summary>Sends, then follows 3xx redirects with GET (like a browser after a form POST).</summary>
    public async Task<HttpResponseMessage> NavigateAsync(HttpMethod method, Uri uri, HttpContent? content = null)
    {
        var response = await SendAsync(method, uri, content);
        for (var hops = 0; IsRedirect(response.StatusCode); hops++)
        {
            hops.ShouldBeLessThan(20, "redirect loop");
            var next = new Uri(LastUri!, response.Headers.Location!);
            response.Dispose();
            response = await SendAsync(HttpMethod.Get, next);
        }
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string pathOrUrl) =>
        NavigateAsync(HttpMethod.Get, new Uri(PortalFactory.BaseAddress, pathOrUrl));

    /// <summary>Submits the page's form whose action ends with <paramref name="actionSuffix"/>, with the given fields added.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(IHtmlDocument page, string actionSuffix, Dictionary<string, string>? fields = null)
    {
        var form = page.Forms.FirstOrDefault(f => (f.GetAttribute("action") ?? "").EndsWith(actionSuffix, StringComparison.Ordinal))
            ?? throw new ShouldAssertException($"no form with action *{actionSuffix} on {LastUri}:\n{page.DocumentElement.OuterHtml}");
        var values = form.QuerySelectorAll<IHtmlInputElement>("input[type=hidden]")
            .ToDictionary(i => i.Name!, i => i.Value, StringComparer.Ordinal);
        foreach (var (k, v) in fields ?? [])
        {
            values[k] = v;
        }
        var action = new Uri(LastUri!, form.GetAttribute("action")!);
        return await NavigateAsync(HttpMethod.Post, action, new FormUrlEncodedContent(values));
    }

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) =>
        new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

    /// <summary>The whole sign-in: portal → provider login form → consent → back to the portal's <paramref name="returnUrl"/>.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string username, string password, string returnUrl = "/")
    {
        var login = await GetAsync("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        var afterLogin = await SubmitAsync(await ParseAsync(login), "/login",
            new() { ["username"] = username, ["password"] = password });
        if (LastUri!.Host == PortalFactory.BaseAddress.Host)
        {
            return afterLogin;
        }
        var consent = await ParseAsync(afterLogin);
        return await SubmitAsync(consent, "/confirm");
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;
}
