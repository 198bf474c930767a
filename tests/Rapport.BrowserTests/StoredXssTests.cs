using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rapport.Identity;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

/// <summary>
/// Stored XSS: markup typed into every free-text field a person can write (through the API, and through the public
/// survey form) is stored, then every page of the application the host maps is opened in Chromium with the ids of
/// those records. The markup must be shown as text: no element it would create may exist in the DOM after the page's
/// scripts ran, nothing may be blocked by the CSP (which would mean it reached the DOM as code), and no dialog opens.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StoredXssTests(RapportServer server)
{
    // 40 characters, so that short fields (tags: 50) take it too.
    private const string Probe = "<xss-probe/><img src=x onerror=alert(1)>";

    [BrowserFact]
    public async Task Markup_typed_into_any_free_text_field_is_shown_as_text_on_every_page()
    {
        var api = await ApiAsync();
        var refused = new List<string>();
        var tag = "x" + Guid.NewGuid().ToString("N")[..8];

        async Task<JsonElement?> Post(string what, string path, object body)
        {
            var response = await api.PostAsJsonAsync(path, body);
            if (!response.IsSuccessStatusCode)
            {
                refused.Add($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return null;
            }

            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        long Id(JsonElement? e) => e?.GetProperty("id").GetInt64() ?? throw new InvalidOperationException("refused: " + string.Join("\n", refused));

        var fieldKey = "xss_" + tag;
        await Post("custom field label", "/api/v1/custom-fields", new { key = fieldKey, label = "Field " + Probe, type = "text" });
        var company = Id(await Post("company", "/api/v1/companies", new { name = "Co " + Probe, industry = Probe, city = Probe }));
        var customer = Id(await Post("customer", "/api/v1/customers", new
        {
            firstName = Probe, lastName = Probe, email = $"{tag}@example.com", street = Probe, city = Probe, region = Probe,
            postalCode = "1000", companyId = company, tags = new[] { tag }, customFields = new Dictionary<string, object> { [fieldKey] = Probe },
        }));
        using (var tagPatch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/customers/{customer}")
        {
            Content = JsonContent.Create(new { tags = new[] { tag, Probe } }),
        })
        {
            tagPatch.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
            var patched = await api.SendAsync(tagPatch);
            if (!patched.IsSuccessStatusCode)
            {
                refused.Add($"tag with markup: {(int)patched.StatusCode} {await patched.Content.ReadAsStringAsync()}");
            }
        }
        var product = Id(await Post("product", "/api/v1/products", new { sku = "XSS-" + tag, name = Probe, description = Probe, category = Probe, price = 5 }));
        await Post("transaction", "/api/v1/transactions", new
        {
            customerId = customer, externalId = "xss-" + tag, occurredAt = DateTimeOffset.UtcNow.AddDays(-2), currency = "USD",
            lines = new object[] { new { sku = "XSS-" + tag, description = Probe, quantity = 1, unitPrice = 5 } },
        });
        await Post("interaction", "/api/v1/interactions", new
        {
            customerId = customer, channel = "phone", direction = "inbound", type = "call", subject = Probe, notes = Probe, occurredAt = DateTimeOffset.UtcNow.AddDays(-1),
        });
        var segment = Id(await Post("segment", "/api/v1/segments", new
        {
            name = "Seg " + tag + Probe, description = Probe, kind = "dynamic", rules = new { all = new object[] { new { field = "tag", op = "eq", value = tag } } },
        }));
        await Post("task", "/api/v1/tasks", new { title = Probe, notes = Probe, customerId = customer, assigneeUserId = server.Admin.Id, dueOn = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        await Post("plan goal", "/api/v1/plan/goals", new { title = Probe, description = Probe });
        var valueKey = "xss" + tag;
        await Post("value", "/api/v1/values", new { key = valueKey, name = "Value " + Probe, description = Probe, vocabulary = new List<string> { "probe" } });
        var partner = Id(await Post("partner", "/api/v1/partners", new { name = "Partner " + Probe, kind = "charity", audience = Probe, contact = Probe }));
        var session = Id(await Post("research session", "/api/v1/research-sessions", new
        {
            kind = "interview", title = Probe, heldAt = DateTimeOffset.UtcNow.AddDays(-1), interviewerName = Probe,
            transcript = "Interviewer: hello\nCustomer: " + Probe, summary = Probe, participantIds = new[] { customer },
        }));
        var survey = Id(await Post("survey", "/api/v1/surveys", new
        {
            title = "Survey " + Probe, intro = Probe, thankYou = Probe,
            questions = new object[]
            {
                new { kind = "singleChoice", prompt = Probe, options = new[] { Probe, "Plain" }, key = "pick" },
                new { kind = "freeText", prompt = "Anything " + Probe, helpText = Probe, key = "more" },
            },
        }));
        (await api.PostAsync($"/api/v1/surveys/{survey}/publish", null)).EnsureSuccessStatusCode();
        var invited = await Post("invitation", $"/api/v1/surveys/{survey}/invitations", new { customerIds = new[] { customer } });
        var link = invited!.Value.GetProperty("invitations")[0].GetProperty("link").GetString()!;

        // The core fields must have been accepted, or the test proves nothing.
        refused.Should().BeEmpty();

        // The customer answers the survey through the public form, typing the markup.
        await using (var phone = await server.OpenPhoneAsync())
        {
            await phone.Page.GotoAsync(link);
            await phone.Page.FillAsync("#q-more-text", Probe);
            await phone.Page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("Send|Submit|Save") }).ClickAsync();
            await Expect(phone.Page.Locator("body")).ToContainTextAsync("<xss-probe/>");
            await AssertInertAsync(phone.Page, link, []);
            phone.ErrorsShouldBeEmpty();
        }

        var responseId = await server.WithDbAsync(db => Task.FromResult(
            db.Set<Rapport.Surveys.SurveyResponse>().Where(r => r.SurveyId == survey).Select(r => r.Id).First()));
        var ids = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["/customers/"] = customer.ToString(CultureInfo.InvariantCulture),
            ["/companies/"] = company.ToString(CultureInfo.InvariantCulture),
            ["/products/"] = product.ToString(CultureInfo.InvariantCulture),
            ["/segments/"] = segment.ToString(CultureInfo.InvariantCulture),
            ["/research/"] = session.ToString(CultureInfo.InvariantCulture),
            ["/surveys/"] = survey.ToString(CultureInfo.InvariantCulture),
            ["/partners/"] = partner.ToString(CultureInfo.InvariantCulture),
            ["/values/"] = valueKey,
        };

        await using var staff = await server.OpenAsync();
        await staff.SignInAsync(server.Admin);
        var dialogs = new List<string>();
        staff.Page.Dialog += (_, d) => dialogs.Add(d.Message);
        var visited = new List<string>();
        var shown = new List<string>();
        var missing = new List<string>();
        foreach (var path in await PagePathsAsync(ids, responseId))
        {
            var response = await staff.Page.GotoAsync(path);
            if (response is null || response.Status >= 400)
            {
                // Pages that answer a missing record (a webhook, an import) with 404 have nothing of ours to show.
                response?.Status.Should().Be(404, "{0} opens", path);
                missing.Add(path);
                continue;
            }

            await staff.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            visited.Add(path);
            if (await AssertInertAsync(staff.Page, path, dialogs))
            {
                shown.Add(path);
            }
        }

        visited.Count.Should().BeGreaterThan(40, "every page of the application is opened");
        shown.Should().Contain(["/customers", $"/customers/{customer}", $"/companies/{company}", $"/products/{product}", $"/segments/{segment}",
            "/tasks", "/plan", $"/research/{session}", $"/surveys/{survey}/results", $"/partners/{partner}"],
            "the markup is on those pages, as text");
        staff.Errors.Where(e => !missing.Any(m => e.Contains("status of 404", StringComparison.Ordinal) && e.Contains(m + ":", StringComparison.Ordinal)))
            .Should().BeEmpty("nothing on the pages fails, and the CSP blocks nothing");

        // The other browser tests count the six seeded customers: this one's customer goes again.
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/customers/{customer}");
        delete.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
        (await api.SendAsync(delete)).IsSuccessStatusCode.Should().BeTrue();
    }

    /// <summary>No element the markup would create exists; returns whether the markup is on the page as text.</summary>
    private static async Task<bool> AssertInertAsync(IPage page, string path, List<string> dialogs)
    {
        var injected = await page.EvaluateAsync<int>("() => document.querySelectorAll('xss-probe, img[src=\"x\"]').length");
        injected.Should().Be(0, "markup stored in a text field must not become elements on {0}", path);
        dialogs.Should().BeEmpty("no script of the markup runs on {0}", path);
        return await page.EvaluateAsync<bool>("() => document.body.innerText.includes('<xss-probe/>')");
    }

    /// <summary>Every GET page of the host (read from its endpoints), its route values filled with the seeded records.</summary>
    private Task<List<string>> PagePathsAsync(Dictionary<string, string> ids, long responseId) => server.WithServicesAsync(sp =>
    {
        var paths = new List<string>();
        foreach (var endpoint in sp.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is null)
            {
                continue;
            }

            var raw = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (raw is "/signout" or "/signin" || raw.StartsWith("/s/", StringComparison.Ordinal) || raw.EndsWith("/vcard", StringComparison.Ordinal) ||
                raw.StartsWith("/error", StringComparison.Ordinal) || raw == "/forbidden")
            {
                continue; // not HTML pages of stored data (sign-out, a download, the error page) or the public survey pages (checked above)
            }

            var path = new System.Text.StringBuilder();
            foreach (var segment in endpoint.RoutePattern.PathSegments)
            {
                path.Append('/');
                foreach (var part in segment.Parts)
                {
                    path.Append(part switch
                    {
                        RoutePatternLiteralPart literal => literal.Content,
                        RoutePatternParameterPart { Name: "responseId" } => responseId.ToString(CultureInfo.InvariantCulture),
                        RoutePatternParameterPart => ids.FirstOrDefault(i => raw.StartsWith(i.Key, StringComparison.Ordinal)).Value ?? "1",
                        _ => "",
                    });
                }
            }

            paths.Add(path.Length == 0 ? "/" : path.ToString());
        }

        return Task.FromResult(paths.Distinct().Order(StringComparer.Ordinal).ToList());
    });

    private async Task<HttpClient> ApiAsync()
    {
        var key = await server.WithServicesAsync(async sp =>
        {
            var created = await sp.GetRequiredService<CreateApiKey>().HandleAsync(new CreateApiKeyRequest("xss seeding", Role.Admin, null), CancellationToken.None);
            return created.Value!.Key;
        });
        var client = new HttpClient { BaseAddress = server.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
