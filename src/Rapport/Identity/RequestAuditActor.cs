using System.Security.Claims;
using Rapport.Audit;

namespace Rapport.Identity;

/// <summary>The audit actor of the current request: the signed-in user, the API key, or an anonymous caller with their IP.</summary>
internal sealed class RequestAuditActor(IHttpContextAccessor accessor) : IAuditActorSource
{
    public AuditActor? Current
    {
        get
        {
            if (accessor.HttpContext is not { } http)
            {
                return null;
            }

            // The TCP peer; behind a proxy this is the proxy unless forwarded headers are configured (docs/audit.md).
            var ip = http.Connection.RemoteIpAddress?.ToString();
            var user = http.User;
            if (user.GetUserId() is { } userId)
            {
                return new AuditActor(AuditActorKinds.User, userId, user.FindFirstValue(ClaimTypes.Name), ip);
            }

            if (long.TryParse(user.FindFirstValue(RapportClaims.ApiKeyId), System.Globalization.CultureInfo.InvariantCulture, out var keyId))
            {
                return new AuditActor(AuditActorKinds.ApiKey, keyId, user.FindFirstValue(ClaimTypes.Name), ip);
            }

            return new AuditActor(AuditActorKinds.Anonymous, null, null, ip);
        }
    }
}
