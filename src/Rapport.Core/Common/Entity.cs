namespace Rapport.Common;

/// <summary>Rows that carry a creation stamp, set by <see cref="Rapport.Data.StampingInterceptor"/> when not given.</summary>
public interface ICreated
{
    DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Rows that carry created/updated stamps, set by <see cref="Rapport.Data.StampingInterceptor"/> from the injected clock.</summary>
public interface IStamped : ICreated
{
    DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Rows updated through the API with optimistic concurrency: <c>Version</c> is the ETag and grows by one on every save.</summary>
public interface IVersioned
{
    int Version { get; set; }
}
