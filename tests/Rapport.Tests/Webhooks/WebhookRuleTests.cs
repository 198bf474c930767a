using System.Net;
using Microsoft.Extensions.Configuration;
using Rapport.Webhooks;

namespace Rapport.Tests.Webhooks;

public sealed class WebhookRuleTests
{
    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("93.184.215.14", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.8.9.10", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("2001:db8::1", false)]
    public void Only_public_addresses_are_public(string address, bool isPublic) =>
        WebhookSubscriptionRules.IsPublic(IPAddress.Parse(address)).Should().Be(isPublic);

    [Fact]
    public void Signature_is_hmac_sha256_over_timestamp_dot_body_in_lower_hex()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var header = WebhookSignature.Create("whsec_test", at, """{"a":1}""");
        // Independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("whsec_test"u8.ToArray(), "1700000000.{\"a\":1}"u8.ToArray()));
        header.Should().Be($"t=1700000000,v1={expected}");
        WebhookSignature.Verify("whsec_test", header, """{"a":1}""", at.AddMinutes(4), TimeSpan.FromMinutes(5)).Should().BeTrue();
        WebhookSignature.Verify("whsec_test", header, """{"a":1}""", at.AddMinutes(-4), TimeSpan.FromMinutes(5)).Should().BeTrue();
        WebhookSignature.Verify("whsec_test", header, """{"a":1}""", at.AddMinutes(6), TimeSpan.FromMinutes(5)).Should().BeFalse();
        WebhookSignature.Verify("whsec_other", header, """{"a":1}""", at, TimeSpan.FromMinutes(5)).Should().BeFalse();
        WebhookSignature.Verify("whsec_test", "v1=" + expected, """{"a":1}""", at, TimeSpan.FromMinutes(5)).Should().BeFalse("no timestamp");
        WebhookSignature.Verify("whsec_test", null, """{"a":1}""", at, TimeSpan.FromMinutes(5)).Should().BeFalse();
    }

    [Fact]
    public void Options_read_durations_with_units_and_refuse_nonsense()
    {
        var options = WebhookOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rapport:Webhooks:RetrySchedule"] = "500ms, 30s,2m,1h,1d",
            ["Rapport:Webhooks:Timeout"] = "5s",
        }).Build());
        options.RetrySchedule.Should().Equal(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromHours(1), TimeSpan.FromDays(1));
        options.MaxAttempts.Should().Be(6);
        options.Timeout.Should().Be(TimeSpan.FromSeconds(5));

        var defaults = WebhookOptions.From(new ConfigurationBuilder().Build());
        defaults.RetrySchedule.Should().Equal(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromHours(24));
        defaults.AllowHttp.Should().BeFalse();
        defaults.AllowPrivateNetworks.Should().BeFalse();

        var bad = () => WebhookOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Rapport:Webhooks:Timeout"] = "ten" }).Build());
        bad.Should().Throw<InvalidOperationException>().WithMessage("*Timeout*");
    }
}
