using Microsoft.Extensions.Diagnostics.HealthChecks;
using Rapport.Data;

namespace Rapport.Api;

/// <summary><c>GET /health</c> is 200 when the database answers a trivial query, 503 otherwise.</summary>
internal sealed class DatabaseHealthCheck(RapportDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", e);
        }
    }
}
