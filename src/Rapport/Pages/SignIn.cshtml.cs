using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Identity;

namespace Rapport.Pages;

/// <summary>Cookie sign-in for staff. One generic message for every failure, so the page does not reveal which emails exist.</summary>
public sealed class SignInModel(SignIn signIn, UserSessions sessions, SignInThrottle throttle, TimeProvider clock) : PageModel
{
    public const string GenericFailure = "That email and password do not match an active account.";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Email { get; private set; }
    public string? Error { get; private set; }

    public IActionResult OnGet() =>
        User.GetUserId() is not null ? LocalRedirect(SafeReturnUrl()) : Page();

    public async Task<IActionResult> OnPostAsync(string? email, string? password, CancellationToken ct)
    {
        Email = email;
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            Error = "Enter your email and password.";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var ip = HttpContext.Connection.RemoteIpAddress?.ToString();
        if (throttle.Check(ip, email) is { } wait)
        {
            // Before the password is checked: a throttled attempt costs no hashing and counts towards no lockout.
            var seconds = SignInThrottle.Seconds(wait);
            Error = $"Too many sign-in attempts; wait {seconds} seconds and try again.";
            Response.Headers.RetryAfter = seconds;
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        var result = await signIn.HandleAsync(new SignInRequest(email, password), ct);
        switch (result.Outcome)
        {
            case SignInOutcome.Succeeded:
                var token = await sessions.StartAsync(result.User!.Id, ip, Request.Headers.UserAgent.ToString(), ct);
                await HttpContext.SignInAsync(Authentication.CookieScheme, Authentication.PrincipalFor(result.User!, token));
                return LocalRedirect(SafeReturnUrl());
            case SignInOutcome.LockedOut:
                var minutes = Math.Max(1, (int)Math.Ceiling((result.LockedUntil!.Value - clock.GetUtcNow()).TotalMinutes));
                Error = string.Create(CultureInfo.InvariantCulture,
                    $"This account is locked after too many failed attempts; try again in {minutes} {(minutes == 1 ? "minute" : "minutes")}.");
                break;
            default:
                Error = GenericFailure;
                break;
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    /// <summary>Only local paths: an absolute or protocol-relative URL would make the sign-in page an open redirect.</summary>
    private string SafeReturnUrl() =>
        !string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) && !ReturnUrl.StartsWith("/signin", StringComparison.OrdinalIgnoreCase)
            ? ReturnUrl
            : "/";
}
