namespace Rapport.Api;

public static class ApiLimits
{
    /// <summary>Largest request body accepted anywhere (1 MiB); larger bodies get 413.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;
}
