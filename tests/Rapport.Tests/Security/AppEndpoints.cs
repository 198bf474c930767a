using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Tests.Security;

internal enum EndpointKind
{
    Api,
    Page,
    StaticAsset,
    Other,
}

/// <summary>One routable endpoint of the running host, with a concrete path made from its route pattern.</summary>
internal sealed record AppEndpoint(RouteEndpoint Endpoint, EndpointKind Kind, string Path, IReadOnlyList<string> Methods)
{
    public string Pattern => "/" + (Endpoint.RoutePattern.RawText ?? "").TrimStart('/');

    /// <summary>For pages, the view path (<c>/SignIn</c>, <c>/Customers/Detail</c>).</summary>
    public string? PagePath => Endpoint.Metadata.GetMetadata<PageActionDescriptor>()?.ViewEnginePath;

    public bool AllowsAnonymous => Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    public IReadOnlyList<string?> Policies => Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();

    /// <summary>For pages, the names of the handlers for <paramref name="method"/> (null is the unnamed <c>OnPost</c>).</summary>
    public IReadOnlyList<string?> PageHandlers(string method) =>
        Endpoint.Metadata.GetMetadata<CompiledPageActionDescriptor>()?.HandlerMethods
            .Where(h => string.Equals(h.HttpMethod, method, StringComparison.OrdinalIgnoreCase))
            .Select(h => h.Name)
            .Distinct()
            .ToList() ?? [];

    public override string ToString() => Kind == EndpointKind.Page ? $"page {PagePath} ({Pattern})" : $"{string.Join("|", Methods)} {Pattern}";
}

/// <summary>
/// Every endpoint the host has mapped, read at run time from its <see cref="EndpointDataSource"/>, so endpoints added by
/// any feature are covered without being listed here.
/// </summary>
internal static class AppEndpoints
{
    public static readonly string[] AllMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static IReadOnlyList<AppEndpoint> All(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e =>
            {
                var kind = Classify(e);
                var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToList() is { Count: > 0 } declared
                    ? declared
                    : kind == EndpointKind.Page ? ["GET"] : AllMethods.ToList();
                return new AppEndpoint(e, kind, Fill(e.RoutePattern), methods);
            })
            .ToList();

    private static EndpointKind Classify(RouteEndpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null)
        {
            return EndpointKind.StaticAsset;
        }

        if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not null)
        {
            return EndpointKind.Page;
        }

        return ("/" + endpoint.RoutePattern.RawText?.TrimStart('/')).StartsWith("/api/v1", StringComparison.OrdinalIgnoreCase)
            ? EndpointKind.Api
            : EndpointKind.Other;
    }

    /// <summary>A concrete path for a route pattern: literals kept, every parameter filled with a value its constraints accept.</summary>
    public static string Fill(RoutePattern pattern, IReadOnlyDictionary<string, string>? values = null)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => values?.GetValueOrDefault(parameter.Name) ?? DummyValue(parameter),
                    _ => throw new InvalidOperationException($"Unknown route part {part.GetType().Name} in {pattern.RawText}"),
                });
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    private static string DummyValue(RoutePatternParameterPart parameter)
    {
        var constraints = parameter.ParameterPolicies.Select(p => p.Content ?? "").ToList();
        if (constraints.Contains("file"))
        {
            return "missing.txt";
        }

        if (constraints.Contains("guid"))
        {
            return "00000000-0000-0000-0000-000000000001";
        }

        if (constraints.Contains("bool"))
        {
            return "true";
        }

        if (constraints.Contains("datetime"))
        {
            return "2026-01-01";
        }

        foreach (var constraint in constraints)
        {
            if (Argument(constraint, "min") is { } min)
            {
                return Math.Max(1, min).ToString(CultureInfo.InvariantCulture);
            }

            if ((Argument(constraint, "length") ?? Argument(constraint, "minlength")) is { } length)
            {
                return new string('a', (int)length);
            }
        }

        return constraints.Contains("alpha") ? "a" : "1";
    }

    private static long? Argument(string constraint, string name) =>
        constraint.StartsWith(name + "(", StringComparison.Ordinal) && constraint.EndsWith(')') &&
        long.TryParse(constraint.AsSpan(name.Length + 1, constraint.Length - name.Length - 2), CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
