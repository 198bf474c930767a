using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Rapport.Pages;

namespace Rapport.Tests.Pages;

public sealed class PageExceptionHandlerTests
{
    [Fact]
    public async Task A_page_error_is_an_html_page_with_a_reference_and_no_details()
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/customers/12";
        context.Response.Body = new MemoryStream();

        var handled = await new PageExceptionHandler(NullLogger<PageExceptionHandler>.Instance)
            .TryHandleAsync(context, new InvalidOperationException("secret internals"), CancellationToken.None);

        handled.Should().BeTrue();
        context.Response.StatusCode.Should().Be(500);
        context.Response.ContentType.Should().StartWith("text/html");
        context.Response.Body.Position = 0;
        var html = await new StreamReader(context.Response.Body).ReadToEndAsync();
        html.Should().Contain("<h1>Something went wrong</h1>").And.Contain("Reference:").And.NotContain("secret internals");
    }

    [Fact]
    public async Task An_htmx_request_gets_a_short_text_answer()
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/customers/12";
        context.Request.Headers["HX-Request"] = "true";
        context.Response.Body = new MemoryStream();

        (await new PageExceptionHandler(NullLogger<PageExceptionHandler>.Instance)
            .TryHandleAsync(context, new InvalidOperationException("x"), CancellationToken.None)).Should().BeTrue();

        context.Response.ContentType.Should().StartWith("text/plain");
    }

    [Theory]
    [InlineData("/api/v1/customers")]
    [InlineData("/health")]
    [InlineData("/openapi/v1.json")]
    public async Task Api_errors_are_left_to_the_problem_details_handlers(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;

        (await new PageExceptionHandler(NullLogger<PageExceptionHandler>.Instance)
            .TryHandleAsync(context, new InvalidOperationException("x"), CancellationToken.None)).Should().BeFalse();
    }
}
