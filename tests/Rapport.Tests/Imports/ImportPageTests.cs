using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;

namespace Rapport.Tests.Imports;

public sealed class ImportPageTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    private static async Task<HttpResponseMessage> UploadAsync(PageSession session, string kind, string content, string fileName)
    {
        await session.GetAsync("/imports/new");
        var form = new MultipartFormDataContent
        {
            { new StringContent(kind), "Kind" },
            { new StringContent(session.Token!), RapportAppFactory.AntiforgeryField },
        };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        return await session.Client.PostAsync("/imports/new?handler=Upload", form);
    }

    private static Dictionary<string, string> FormFields(AngleSharp.Dom.IDocument page, string formId) =>
        page.QuerySelectorAll($"#{formId} input[name], #{formId} select[name]")
            .Where(e => e.GetAttribute("name") != RapportAppFactory.AntiforgeryField)
            .ToDictionary(e => e.GetAttribute("name")!, e => e.TagName == "SELECT"
                ? e.QuerySelector("option[selected]")?.GetAttribute("value") ?? ""
                : e.GetAttribute("value") ?? "");

    [Fact]
    public async Task Upload_preview_override_and_start_then_progress_and_history()
    {
        var session = await PageSession.SignInAsync(app, Role.Sales);
        var domain = ImportKit.Unique("page") + ".example";
        var csv = $"E-Mail Address,Given,Surname,Loyalty\nann@{domain},Ann,Lee,gold\nnot-an-email,Bob,Ray,silver\n";

        var uploaded = await UploadAsync(session, "customers", csv, "people.csv");
        uploaded.StatusCode.Should().Be(HttpStatusCode.OK);
        var preview = await session.ParseAsync(uploaded);
        preview.QuerySelector("#import-delimiter")!.GetAttribute("value").Should().Be(",");
        preview.QuerySelector("select[data-column='E-Mail Address'] option[selected]")!.GetAttribute("value").Should().Be("email");
        preview.QuerySelector("select[data-column='Given'] option[selected]")!.GetAttribute("value").Should().Be("", "'Given' is not a known header");
        preview.QuerySelectorAll("#import-rows tbody tr")[1].GetAttribute("aria-invalid").Should().Be("true");
        preview.QuerySelector("#import-rows tbody tr:nth-child(2) mark")!.TextContent.Should().Be("not-an-email");

        // Map "Given" to the first name by hand, preview again, then start.
        var fields = FormFields(preview, "import-preview");
        var given = fields.Single(f => f.Key.StartsWith("Columns[", StringComparison.Ordinal) && f.Value == "Given").Key;
        fields[given.Replace("Columns", "Fields", StringComparison.Ordinal)] = "first_name";
        var again = await session.ParseAsync(await session.PostFormAsync("/imports/new?handler=Preview", fields));
        again.QuerySelector("select[data-column='Given'] option[selected]")!.GetAttribute("value").Should().Be("first_name");

        var started = await session.PostFormAsync("/imports/new?handler=Start", FormFields(again, "import-preview"));
        started.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = started.Headers.Location!.ToString();
        location.Should().MatchRegex("^/imports/[0-9]+$");
        var id = long.Parse(location["/imports/".Length..], System.Globalization.CultureInfo.InvariantCulture);

        var import = await WaitAsync(id);
        import.Status.Should().Be(global::Rapport.Imports.ImportStatus.Completed);
        (await app.WithDbAsync(db => db.Customers.Where(c => c.EmailNormalized == $"ann@{domain}").Select(c => c.FirstName).SingleAsync())).Should().Be("Ann");

        var progress = await session.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{location}?handler=Progress") { Headers = { { "HX-Request", "true" } } });
        var block = await session.ParseAsync(progress);
        block.QuerySelector("#import-progress")!.HasAttribute("hx-trigger").Should().BeFalse("a finished import stops polling");
        block.QuerySelector("[data-count=read]")!.TextContent.Should().Be("2");
        block.QuerySelector("[data-count=rejected]")!.TextContent.Should().Be("1");
        block.QuerySelector("#import-rejects tbody tr td:nth-child(1)")!.TextContent.Should().Be("3");

        var details = await session.GetAsync(location);
        details.QuerySelector("h1")!.TextContent.Should().Be("people.csv");
        var download = await session.Client.GetAsync($"{location}?handler=Rejects");
        download.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        (await download.Content.ReadAsStringAsync()).Should().StartWith("E-Mail Address,Given,Surname,Loyalty,line,reason\r\nnot-an-email,Bob,Ray,silver,3,");

        var history = await session.GetAsync("/imports");
        var row = history.QuerySelectorAll("#import-history tbody tr").Single(r => r.QuerySelector("a")!.GetAttribute("href") == location);
        row.TextContent.Should().Contain("people.csv").And.Contain("Page tester Sales").And.Contain("done");
        row.QuerySelector($"a[href='{location}?handler=Rejects']").Should().NotBeNull();
    }

    [Fact]
    public async Task A_file_that_cannot_be_imported_is_explained_on_the_upload_page()
    {
        var session = await PageSession.SignInAsync(app, Role.Admin);
        var response = await UploadAsync(session, "customers", "email,first_name\n", "header-only.csv");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var page = await session.ParseAsync(response);
        page.QuerySelector("#import-upload").Should().NotBeNull("the user starts again from the upload form");
        page.Body!.TextContent.Should().Contain("The file has a header (line 1) but no rows.");
    }

    [Fact]
    public async Task Analysts_see_the_history_but_cannot_import()
    {
        var session = await PageSession.SignInAsync(app, Role.Analyst);
        var history = await session.GetAsync("/imports");
        history.QuerySelector("a[href='/imports/new']").Should().BeNull();
        (await session.Client.GetAsync("/imports/new")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var sales = await PageSession.SignInAsync(app, Role.Sales);
        var page = await sales.GetAsync("/imports/new");
        page.QuerySelectorAll("#import-kind option").Select(o => o.GetAttribute("value")).Should().NotContain("products");
    }

    private async Task<global::Rapport.Imports.ImportDetail> WaitAsync(long id)
    {
        for (var i = 0; i < 300; i++)
        {
            var import = await ImportKit.GetAsync(app, id);
            if (!import.IsActive)
            {
                return import;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Import {id} did not finish.");
    }
}
