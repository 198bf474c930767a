using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Identity;

/// <summary>The host with small limits, so the 429 path is reached in a few requests.</summary>
public sealed class LowLimitsAppFactory : RapportAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Rapport:RateLimits:SignInPerIp", "6");
        builder.UseSetting("Rapport:RateLimits:SignInPerEmail", "3");
        builder.UseSetting("Rapport:RateLimits:ApiPerMinute", "5");
    }
}

public sealed class RateLimitTests(LowLimitsAppFactory app) : IClassFixture<LowLimitsAppFactory>
{
    [Fact]
    public async Task The_api_answers_429_with_retry_after_and_a_problem_once_a_key_is_over_its_limit()
    {
        var analyst = app.ClientAs(Role.Analyst);
        for (var i = 0; i < 5; i++)
        {
            (await analyst.GetAsync("/api/v1/customers")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var limited = await analyst.GetAsync("/api/v1/customers");
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter.Should().NotBeNull();
        limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 60);
        limited.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("status").GetInt32().Should().Be(429);
        problem.GetProperty("type").GetString().Should().Be("/problems/rate-limited");

        (await app.ClientAs(Role.Marketing).GetAsync("/api/v1/customers")).StatusCode.Should().Be(HttpStatusCode.OK, "each key has its own budget");
    }

    [Fact]
    public async Task Sign_in_is_limited_per_email_then_per_address_with_a_clear_message()
    {
        var user = await app.AddUserAsync(Role.Sales);
        for (var i = 0; i < 3; i++)
        {
            (await RapportAppFactory.PostSignInAsync(app.Anonymous(), user.Email, "wrong password again")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        }

        var perEmail = await RapportAppFactory.PostSignInAsync(app.Anonymous(), user.Email, user.Password);
        perEmail.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "the fourth attempt on one email within a minute");
        perEmail.Headers.RetryAfter.Should().NotBeNull();
        (await perEmail.Content.ReadAsStringAsync()).Should().Contain("Too many sign-in attempts");

        // Three more attempts on other emails reach the address's six (the throttled one counted too).
        for (var i = 0; i < 2; i++)
        {
            (await RapportAppFactory.PostSignInAsync(app.Anonymous(), $"other{i}@example.com", "whatever password")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        }

        var perIp = await RapportAppFactory.PostSignInAsync(app.Anonymous(), "another@example.com", "whatever password");
        perIp.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        perIp.Headers.RetryAfter.Should().NotBeNull();
    }
}
