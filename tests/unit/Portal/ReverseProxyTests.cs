using System.Net;
using AuditPortal.Portal.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;

namespace AuditPortal.Tests.Portal;

public sealed class ReverseProxyTests
{
    private static IConfiguration Settings(params string[] proxies) => new ConfigurationBuilder()
        .AddInMemoryCollection(proxies.Select((p, i) => new KeyValuePair<string, string?>($"{ReverseProxy.KnownProxiesSetting}:{i}", p)))
        .Build();

    [Fact]
    public void NoProxies_ForwardedHeadersAreNotApplied()
    {
        ReverseProxy.OptionsFrom(Settings()).ShouldBeNull();
    }

    [Fact]
    public void AddressesAndNetworks_AreTheOnlyOnesTrusted_LoopbackNotByDefault()
    {
        var options = ReverseProxy.OptionsFrom(Settings("10.1.2.3", " 192.168.0.0/16 ", "2001:db8::1"))!;

        options.KnownProxies.ShouldBe([IPAddress.Parse("10.1.2.3"), IPAddress.Parse("2001:db8::1")]);
        options.KnownIPNetworks.ShouldBe([System.Net.IPNetwork.Parse("192.168.0.0/16")]);
        options.ForwardedHeaders.ShouldBe(ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        options.ForwardLimit.ShouldBe(1, "only the entry the nearest proxy added: the ones before it are the client's to write");
    }

    [Theory]
    [InlineData("proxy.internal")]
    [InlineData("10.0.0.0/33")]
    [InlineData("")]
    public void AnEntryThatIsNoAddress_StopsStartUpWithTheSettingsName(string entry)
    {
        var ex = Should.Throw<InvalidOperationException>(() => ReverseProxy.OptionsFrom(Settings("10.0.0.1", entry)));

        ex.Message.ShouldContain(ReverseProxy.KnownProxiesSetting);
    }
}
