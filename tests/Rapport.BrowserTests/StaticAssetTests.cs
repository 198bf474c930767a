using System.Net;

namespace Rapport.BrowserTests;

/// <summary>The app on Kestrel (not the test server) serves wwwroot and the npm files copied to wwwroot/lib.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StaticAssetTests(RapportServer server)
{
    [BrowserFact]
    public async Task Stylesheet_scripts_and_npm_libraries_are_served_with_the_right_types()
    {
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var expected = new Dictionary<string, string>
        {
            ["/css/rapport.css"] = "text/css",
            ["/js/rapport.js"] = "text/javascript",
            ["/lib/htmx.min.js"] = "text/javascript",
            ["/lib/chart.umd.min.js"] = "text/javascript",
            ["/favicon.svg"] = "image/svg+xml",
        };

        foreach (var (path, type) in expected)
        {
            using var response = await http.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, "{0} is served", path);
            response.Content.Headers.ContentType!.MediaType.Should().Be(type, "{0} has its type", path);
            (await response.Content.ReadAsByteArrayAsync()).Length.Should().BeGreaterThan(100, "{0} is not empty", path);
        }
    }
}
