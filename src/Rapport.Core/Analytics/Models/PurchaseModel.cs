namespace Rapport.Analytics.Models;

/// <summary>
/// A purchase ("buy till you die") model with its parameters: how often customers buy while alive, and how they drop
/// out. Times are in the unit of the summaries it was fitted on (<see cref="SummaryPeriod"/>). Every method returns a
/// finite number for valid input and throws <see cref="ArgumentOutOfRangeException"/> for invalid input (negative
/// or non-finite times, recency after age).
/// </summary>
public interface IPurchaseModel
{
    /// <summary>"bgnbd" or "paretonbd".</summary>
    string Name { get; }

    /// <summary>Parameter name → value: r, alpha, a, b (BG/NBD) or r, alpha, s, beta (Pareto/NBD).</summary>
    IReadOnlyDictionary<string, double> Parameters { get; }

    /// <summary>P(alive at T | x, t_x, T): the probability that a customer with this history has not dropped out.</summary>
    double ProbabilityAlive(int frequency, double recency, double age);

    /// <summary>E[purchases in (T, T + t] | x, t_x, T].</summary>
    double ConditionalExpectedPurchases(double t, int frequency, double recency, double age);

    /// <summary>E[X(t)]: expected purchases in the first t periods of a new customer (after the first purchase).</summary>
    double ExpectedPurchases(double t);

    /// <summary>P(X(t) = n): probability that a new customer makes exactly n repeat purchases in t periods.</summary>
    double ProbabilityOfPurchases(int n, double t);
}

/// <summary>A purchase model fitted by maximum likelihood, with what the fit says about its own reliability.</summary>
/// <param name="Fitted">The model at the estimated parameters.</param>
/// <param name="LogLikelihood">Log-likelihood at the estimate (without the constant ln x! terms, as in the literature).</param>
/// <param name="Iterations">Quasi-Newton iterations used.</param>
/// <param name="GradientNorm">Largest component of the gradient of the mean log-likelihood with respect to the log-parameters at the estimate.</param>
/// <param name="Customers">Customers fitted.</param>
/// <param name="RepeatCustomers">Customers with at least one repeat purchase in calibration.</param>
/// <param name="StandardErrors">Parameter name → asymptotic standard error (observed information, delta method); empty when the likelihood is not curved like a maximum.</param>
/// <param name="Warnings">Why the fit may be unreliable (empty when nothing was found).</param>
public sealed record PurchaseModelFit(
    IPurchaseModel Fitted,
    double LogLikelihood,
    bool Converged,
    int Iterations,
    double GradientNorm,
    int Customers,
    int RepeatCustomers,
    IReadOnlyDictionary<string, double> StandardErrors,
    IReadOnlyList<ModelWarning> Warnings) : IPurchaseModel
{
    public string Name => Fitted.Name;

    public IReadOnlyDictionary<string, double> Parameters => Fitted.Parameters;

    public double ProbabilityAlive(int frequency, double recency, double age) => Fitted.ProbabilityAlive(frequency, recency, age);

    public double ConditionalExpectedPurchases(double t, int frequency, double recency, double age) =>
        Fitted.ConditionalExpectedPurchases(t, frequency, recency, age);

    public double ExpectedPurchases(double t) => Fitted.ExpectedPurchases(t);

    public double ProbabilityOfPurchases(int n, double t) => Fitted.ProbabilityOfPurchases(n, t);
}

/// <summary>The same questions asked with a customer's summary.</summary>
public static class PurchaseModelExtensions
{
    public static double ProbabilityAlive(this IPurchaseModel model, RepeatSummary customer) =>
        model.ProbabilityAlive(customer.Frequency, customer.Recency, customer.Age);

    public static double ConditionalExpectedPurchases(this IPurchaseModel model, double t, RepeatSummary customer) =>
        model.ConditionalExpectedPurchases(t, customer.Frequency, customer.Recency, customer.Age);
}

/// <summary>Something that makes a summary or a fit less trustworthy, with a stable code for programs and a message for people.</summary>
public sealed record ModelWarning(string Code, string Message)
{
    public const string NoCustomers = "no-customers";
    public const string LateCustomers = "late-customers";
    public const string FutureTransactions = "future-transactions";
    public const string NonPositiveAmounts = "non-positive-amounts";
    public const string NoRepeatBuyers = "no-repeat-buyers";
    public const string FewRepeatBuyers = "few-repeat-buyers";
    public const string ParameterAtBound = "parameter-at-bound";
    public const string NotConverged = "not-converged";
    public const string PoorlyDetermined = "poorly-determined";
    public const string NonPositiveMonetary = "non-positive-monetary";
    public const string InfiniteMeanSpend = "infinite-mean-spend";

    public override string ToString() => Message;
}
