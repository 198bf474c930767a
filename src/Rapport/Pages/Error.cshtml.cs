using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Rapport.Pages;

/// <summary>
/// The friendly page for error status codes of page requests (404, 403, 500…), re-executed by the status-code-pages
/// middleware so the original status code is kept. Anonymous, so it can explain a missing page to anyone.
/// </summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }
    public string Title { get; private set; } = "";
    public string Explanation { get; private set; } = "";
    public string TraceId { get; private set; } = "";

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        var reexecuted = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null;
        Code = code is >= 400 and <= 599 ? code.Value : 404;
        // Visited directly (/error/500), the page answers with the status it describes, too.
        Response.StatusCode = reexecuted ? Response.StatusCode : Code;
        TraceId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        (Title, Explanation) = Code switch
        {
            404 => ("Page not found", "There is nothing at this address. The link may be out of date, or the record may have been deleted."),
            403 => ("Not allowed", "Your role does not allow this action. Ask an administrator if you need access."),
            400 => ("Bad request", "The request could not be understood. Reload the page and try again."),
            405 => ("Not allowed here", "This address does not accept that kind of request."),
            413 => ("Too large", "The request was larger than the server accepts."),
            429 => ("Too many requests", "Wait a moment, then try again."),
            >= 500 => ("Something went wrong", "The server could not finish this request. The error has been logged; try again in a moment."),
            _ => ("Request not completed", "The server could not complete this request."),
        };
    }
}
