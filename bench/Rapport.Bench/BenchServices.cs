using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Data;

namespace Rapport.Bench;

/// <summary>What every scenario needs around the product code: its services on a bench database, and the machine's load.</summary>
internal static class BenchServices
{
    /// <summary>
    /// The product's data services on <paramref name="database"/> plus the features a scenario names, configured as the
    /// app configures them (<c>Rapport:Database:*</c>, optionally <c>Rapport:DataDirectory</c>).
    /// </summary>
    public static ServiceProvider Build(
        RapportDatabase database,
        Action<IServiceCollection, IConfiguration> features,
        string? dataDirectory = null,
        LogLevel minimumLevel = LogLevel.Information)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Rapport:Database:Provider"] = database.IsPostgres ? "postgres" : "sqlite",
            ["Rapport:Database:ConnectionString"] = database.ConnectionString,
        };
        if (dataDirectory is not null)
        {
            settings["Rapport:DataDirectory"] = dataDirectory;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.SetMinimumLevel(minimumLevel));
        services.AddRapportData(configuration);
        features(services, configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>The 1-minute load average, or NaN where /proc/loadavg does not exist.</summary>
    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : double.NaN;
}
