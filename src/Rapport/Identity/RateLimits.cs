using System.Globalization;
using System.Threading.RateLimiting;
using Rapport.Api;

namespace Rapport.Identity;

/// <summary>
/// <c>Rapport:RateLimits</c>: <c>SignInPerIp</c> (10) and <c>SignInPerEmail</c> (5) attempts a minute, on top of the
/// account lockout; <c>ApiPerMinute</c> (600) requests a minute per API key (per IP for requests without a valid key).
/// </summary>
public sealed class RateLimitSettings(IConfiguration configuration)
{
    public int SignInPerIp { get; } = configuration.GetValue("Rapport:RateLimits:SignInPerIp", 10);
    public int SignInPerEmail { get; } = configuration.GetValue("Rapport:RateLimits:SignInPerEmail", 5);
    public int ApiPerMinute { get; } = configuration.GetValue("Rapport:RateLimits:ApiPerMinute", 600);
    public TimeSpan Window { get; } = TimeSpan.FromSeconds(configuration.GetValue("Rapport:RateLimits:WindowSeconds", 60));
}

/// <summary>
/// Sign-in attempts per IP and per typed email (fixed one-minute windows). Checked in the sign-in page, which has
/// read the form: the email is not known to a middleware partitioner without reading the body.
/// </summary>
public sealed class SignInThrottle(RateLimitSettings settings) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perIp = Limiter(settings.SignInPerIp, settings.Window);
    private readonly PartitionedRateLimiter<string> _perEmail = Limiter(settings.SignInPerEmail, settings.Window);

    /// <summary>Null when the attempt may go ahead, else how long to wait.</summary>
    public TimeSpan? Check(string? ip, string email)
    {
        using var byIp = _perIp.AttemptAcquire(ip ?? "unknown");
        if (!byIp.IsAcquired)
        {
            return RetryAfter(byIp, settings.Window);
        }

        using var byEmail = _perEmail.AttemptAcquire(email.Trim().ToLowerInvariant());
        return byEmail.IsAcquired ? null : RetryAfter(byEmail, settings.Window);
    }

    private static PartitionedRateLimiter<string> Limiter(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    internal static TimeSpan RetryAfter(RateLimitLease lease, TimeSpan fallback) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : fallback;

    public static string Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _perIp.Dispose();
        _perEmail.Dispose();
    }
}

public static class RateLimits
{
    public static IServiceCollection AddRapportRateLimits(this IServiceCollection services)
    {
        services.AddSingleton<RateLimitSettings>();
        services.AddSingleton<SignInThrottle>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
            {
                if (!ctx.Request.Path.StartsWithSegments("/api/v1"))
                {
                    return RateLimitPartition.GetNoLimiter("pages");
                }

                var settings = ctx.RequestServices.GetRequiredService<RateLimitSettings>();
                var key = ctx.User.FindFirst(RapportClaims.ApiKeyId)?.Value is { } id
                    ? "key:" + id
                    : "ip:" + ctx.Connection.RemoteIpAddress;
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, settings.ApiPerMinute),
                    Window = settings.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (context, ct) =>
            {
                var settings = context.HttpContext.RequestServices.GetRequiredService<RateLimitSettings>();
                var wait = SignInThrottle.RetryAfter(context.Lease, settings.Window);
                context.HttpContext.Response.Headers.RetryAfter = SignInThrottle.Seconds(wait);
                await ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
                    $"This API key has sent more than {settings.ApiPerMinute} requests in a minute; retry after {SignInThrottle.Seconds(wait)} seconds.");
            };
        });
        return services;
    }
}
