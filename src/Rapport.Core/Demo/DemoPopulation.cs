using System.Text;
using Bogus;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Interactions;

namespace Rapport.Demo;

/// <summary>A company before insert. <c>CreatedDay</c> counts days from the start of the history window.</summary>
internal sealed record CompanyDraft(string Name, string Domain, string Industry, string City, string Country, string Phone, bool IsCafe, int OwnerIndex, double CreatedDay);

internal sealed record DemoCompany(long Id, string Name, string Domain, string City, int CountryIndex, bool IsCafe, DemoStaff Owner, DateTimeOffset CreatedAt);

/// <summary>Ids to assign next, one counter per table; starts after the current maximum so that runs append.</summary>
internal sealed class DemoIds
{
    public long Customer { get; set; }
    public long ExternalId { get; set; }
    public long Transaction { get; set; }
    public long Line { get; set; }
    public long Interaction { get; set; }
}

/// <summary>Emails already taken (in the database or earlier in this run), kept as 64-bit FNV-1a hashes to stay small at millions of customers.</summary>
internal sealed class EmailRegistry
{
    private readonly HashSet<ulong> _taken = [];

    public bool TryAdd(string normalizedEmail) => _taken.Add(Hash(normalizedEmail));

    private static ulong Hash(string value)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}

/// <summary>
/// Generates customers one by one, each with their whole history, from one seeded random sequence.
/// The purchase history follows a Pareto/NBD process: a customer buys at a Poisson rate drawn from a gamma
/// distribution until an exponentially distributed dropout time, so most buy once and a few buy very often.
/// Instants are measured in days from the start of the history window and converted to UTC at the end.
/// </summary>
internal sealed class DemoPopulation
{
    /// <summary>Length of the purchase history window ending at the demo day.</summary>
    public const int HistoryDays = 3 * 365;

    // Pareto/NBD parameters (rates per year), chosen so that ~10 purchases per customer on average,
    // about 40% of customers buy at least twice and the top 20% bring ~80% of the revenue.
    private const double ProspectShare = 0.12;
    private const double RateShape = 0.22;
    private const double RateScale = 1 / 0.013;
    private const double MaxRatePerYear = 100;
    private const double DropoutShape = 1.0;
    private const double DropoutScale = 1 / 1.2;
    private const double BusinessShare = 0.08;
    private const decimal VipRevenue = 1500m;

    private static readonly double[] CountryWeights = DemoCatalog.Countries.Select(c => c.Weight).ToArray();
    private static readonly int[] UtcOffsetHours = [-5, 0, -5, 10, 1, 1];
    private static readonly double[] LocalHourWeights =
    [
        0.2, 0.1, 0.05, 0.05, 0.1, 0.3, 1.0, 2.5, 3.5, 4.0, 4.0, 4.5, 5.0, 4.5, 4.0, 3.8, 3.8, 4.0, 4.5, 5.0, 5.0, 4.0, 2.5, 1.0,
    ];

    private static readonly double[] LineCountWeights = [0.50, 0.28, 0.15, 0.07];

    private readonly DemoRandom _rng;
    private readonly Faker[] _fakers;
    private readonly DateTimeOffset _start;
    private readonly DateOnly _today;
    private readonly DemoIds _ids;
    private readonly EmailRegistry _emails;
    private readonly IReadOnlyList<DemoCompany> _companies;
    private readonly double[] _companyWeights;
    private readonly Dictionary<Shelf, DemoProduct[]> _consumer;
    private readonly Dictionary<Shelf, DemoProduct[]> _business;
    private readonly DemoStaff[] _sales;
    private readonly DemoStaff[] _service;
    private readonly DemoStaff[] _marketing;
    private readonly DemoField? _roast;
    private readonly DemoField? _brew;
    private readonly DemoField? _loyalty;
    private readonly DemoField? _cups;
    private readonly InteractionTemplate[] _prospect;
    private readonly InteractionTemplate[] _afterPurchase;
    private readonly InteractionTemplate[] _account;
    private readonly InteractionTemplate[] _anytime;

    // Scratch lists reused for every customer.
    private readonly List<double> _purchaseDays = [];
    private readonly List<DemoProduct> _basket = [];
    private readonly List<int> _quantities = [];

    public DemoPopulation(int seed, DateTimeOffset start, DateOnly today, DemoReference reference, DemoIds ids, EmailRegistry emails)
    {
        _rng = new DemoRandom(seed);
        _start = start;
        _today = today;
        _ids = ids;
        _emails = emails;
        _companies = reference.Companies;
        _companyWeights = reference.Companies.Select((_, i) => 1 / Math.Pow(i + 1, 0.7)).ToArray();
        var randomizer = new Randomizer(seed);
        _fakers = DemoCatalog.Countries.Select(c => new Faker(c.Locale) { Random = randomizer }).ToArray();
        _consumer = reference.Products.Where(p => !p.ForBusiness).GroupBy(p => p.Shelf).ToDictionary(g => g.Key, g => g.ToArray());
        _business = reference.Products.Where(p => p.ForBusiness).GroupBy(p => p.Shelf).ToDictionary(g => g.Key, g => g.ToArray());
        _sales = reference.Staff.Where(s => s.Role == Identity.Role.Sales).ToArray();
        _service = reference.Staff.Where(s => s.Role == Identity.Role.Service).ToArray();
        _marketing = reference.Staff.Where(s => s.Role == Identity.Role.Marketing).ToArray();
        _roast = reference.Field(DemoCatalog.PreferredRoast);
        _brew = reference.Field(DemoCatalog.BrewMethod);
        _loyalty = reference.Field(DemoCatalog.LoyaltyMember);
        _cups = reference.Field(DemoCatalog.CupsPerDay);
        _prospect = DemoTexts.Templates.Where(t => t.Moment == Moment.Prospect).ToArray();
        _afterPurchase = DemoTexts.Templates.Where(t => t.Moment == Moment.AfterPurchase).ToArray();
        _account = DemoTexts.Templates.Where(t => t.Moment == Moment.Account).ToArray();
        _anytime = DemoTexts.Templates.Where(t => t.Moment == Moment.Anytime).ToArray();
    }

    /// <summary>Creates companies for the B2B accounts; their ids are assigned by the caller after insert.</summary>
    public static List<CompanyDraft> CompanyDrafts(int seed, int count, ISet<string> takenDomains)
    {
        // Its own random sequence: the number of companies must not shift the customers' draws.
        var rng = new DemoRandom(unchecked((seed * 7919) + 17));
        var randomizer = new Randomizer(unchecked((seed * 31) + 5));
        var fakers = DemoCatalog.Countries.Select(c => new Faker(c.Locale) { Random = randomizer }).ToArray();
        var drafts = new List<CompanyDraft>(count);
        for (var i = 0; i < count; i++)
        {
            var countryIndex = rng.Weighted(CountryWeights);
            var f = fakers[countryIndex];
            var isCafe = rng.Chance(0.4);
            string name;
            if (isCafe)
            {
                var form = rng.Pick(DemoCatalog.CafeNameForms);
                name = string.Format(System.Globalization.CultureInfo.InvariantCulture, form,
                    f.Name.LastName(), rng.Pick(DemoCatalog.CafeWords), f.Address.City(), rng.Pick(DemoCatalog.CafeNouns));
            }
            else
            {
                name = f.Company.CompanyName();
            }

            var slug = Slug(name, '-');
            var domain = $"{slug}.example";
            for (var n = 2; !takenDomains.Add(domain); n++)
            {
                domain = $"{slug}-{n}.example";
            }

            var industry = isCafe ? rng.Pick(DemoCatalog.CafeIndustries) : rng.Pick(DemoCatalog.OfficeIndustries);
            drafts.Add(new CompanyDraft(name, domain, industry, f.Address.City(), DemoCatalog.Countries[countryIndex].Country, f.Phone.PhoneNumber(), isCafe, rng.Int(0, 1_000), rng.Int(0, 300 * 86_400) / 86_400.0));
        }

        return drafts;
    }

    /// <summary>Generates the next customer with their tags, field values, transactions and interactions into <paramref name="batch"/>.</summary>
    public void Next(DemoBatch batch)
    {
        var id = ++_ids.Customer;
        var firstTransaction = batch.Transactions.Count;
        var firstInteraction = batch.Interactions.Count;

        // Who they are.
        var company = _companies.Count > 0 && _rng.Chance(BusinessShare) ? _companies[_rng.Weighted(_companyWeights)] : null;
        var countryIndex = company?.CountryIndex ?? _rng.Weighted(CountryWeights);
        var f = _fakers[countryIndex];
        var country = DemoCatalog.Countries[countryIndex].Country;
        var persona = company is null
            ? (Persona)_rng.Weighted([0.50, 0.15, 0.20, 0.15])
            : company.IsCafe ? Persona.Cafe : Persona.Office;
        var first = Trim(f.Name.FirstName(), 100);
        var last = Trim(f.Name.LastName(), 100);
        DateOnly? birth = _rng.Chance(0.8) ? BirthDate() : null;
        var email = Email(first, last, birth, company);
        var phone = _rng.Chance(0.85) ? Phone(f.Phone.PhoneNumber()) : null;
        var street = Trim(f.Address.StreetAddress(), 200);
        var city = company?.City ?? Trim(f.Address.City(), 100);
        var postal = Trim(f.Address.ZipCode(), 20);
        var region = country switch
        {
            "US" or "CA" or "AU" => f.Address.StateAbbr(),
            "GB" => f.Address.County(),
            _ => f.Address.State(),
        };
        var language = Language(country);

        // When they arrived: the business grows, so recent sign-ups are more likely.
        var ageDays = HistoryDays * (1 - Math.Sqrt(_rng.Uniform()));
        var arrival = HistoryDays - ageDays;
        if (company is not null)
        {
            arrival = Math.Max(arrival, company.CreatedAt.Subtract(_start).TotalDays + 1);
        }

        var isProspect = company is null && _rng.Chance(ProspectShare);
        var enquiredFirst = _rng.Chance(0.3);
        var createdDay = enquiredFirst ? Math.Max(0, arrival - _rng.Uniform(1, 30)) : arrival;

        // The repeat-buying process.
        _purchaseDays.Clear();
        double activeUntil;
        if (isProspect)
        {
            activeUntil = HistoryDays;
        }
        else
        {
            var (rate, dropoutRate) = persona switch
            {
                Persona.Cafe => (20 * _rng.Gamma(4, 0.25), 0.15),
                Persona.Office => (8 * _rng.Gamma(4, 0.25), 0.2),
                _ => (Math.Min(MaxRatePerYear, _rng.Gamma(RateShape, RateScale)), _rng.Gamma(DropoutShape, DropoutScale)),
            };
            var lifetimeDays = _rng.Exponential(365.0 / Math.Max(dropoutRate, 1e-6));
            activeUntil = Math.Min(HistoryDays, arrival + lifetimeDays);
            _purchaseDays.Add(arrival);
            if (rate > 0)
            {
                var meanGapDays = 365.0 / rate;
                for (var t = arrival + _rng.Exponential(meanGapDays); t < activeUntil; t += _rng.Exponential(meanGapDays))
                {
                    _purchaseDays.Add(t);
                }
            }
        }

        var owner = company?.Owner ?? (_rng.Chance(0.2) ? _rng.Pick(_rng.Chance(0.5) ? _sales : _rng.Chance(0.5) ? _service : _marketing) : null);
        var subscriber = !isProspect && company is null && _purchaseDays.Count >= 4 && _rng.Chance(0.35);
        var favourites = Favourites(persona);
        var orderCount = 0;
        var revenue = 0m;
        var boughtCourse = false;
        var boughtTea = 0;
        var boughtCoffee = 0;
        string? lastProductName = null;
        foreach (var day in _purchaseDays)
        {
            var occurred = Instant(day, countryIndex);
            if (occurred >= End)
            {
                continue;
            }

            Basket(persona, favourites, subscriber, orderCount == 0);
            var txId = ++_ids.Transaction;
            var total = 0m;
            for (var i = 0; i < _basket.Count; i++)
            {
                var product = _basket[i];
                var quantity = (decimal)_quantities[i];
                var amount = quantity * product.Price;
                total += amount;
                batch.Lines.Add(new LineRow(++_ids.Line, txId, id, i + 1, product.Id, product.Sku, product.Name, quantity, product.Price, amount));
                boughtCourse |= product.Shelf == Shelf.Course;
                boughtTea += product.Category == "Tea" ? 1 : 0;
                boughtCoffee += product.Category == "Coffee beans" ? 1 : 0;
            }

            batch.Transactions.Add(new TransactionRow(txId, id, $"SO-{txId:D8}", occurred, total));
            orderCount++;
            revenue += total;
            lastProductName = ShortName(_basket[0].Name);

            if (_rng.Chance(company is null ? 0.1 : 0.03))
            {
                var after = day + _rng.Uniform(1, 14);
                if (after < HistoryDays)
                {
                    AddInteraction(batch, id, Pick(_afterPurchase), after, countryIndex, first, lastProductName, company, owner);
                }
            }
        }

        // Touchpoints that do not follow a purchase.
        if (enquiredFirst || (isProspect && _rng.Chance(0.5)))
        {
            AddInteraction(batch, id, Pick(_prospect), Math.Min(createdDay + _rng.Uniform(0, 0.2), HistoryDays - 0.01), countryIndex, first, null, company, owner);
        }

        if (company is not null)
        {
            for (var t = arrival + _rng.Exponential(75); t < activeUntil; t += _rng.Exponential(75))
            {
                AddInteraction(batch, id, Pick(_account), t, countryIndex, first, lastProductName, company, owner);
            }
        }

        var anytime = _rng.Chance(0.35) ? 1 + (_rng.Chance(0.3) ? 1 : 0) : 0;
        for (var k = 0; k < anytime; k++)
        {
            var t = _rng.Uniform(createdDay, Math.Min(HistoryDays, activeUntil + 60));
            AddInteraction(batch, id, Pick(_anytime), t, countryIndex, first, lastProductName, company, owner);
        }

        if (revenue >= VipRevenue && company is null && (owner is null || owner.Role != Identity.Role.Sales))
        {
            owner = _rng.Pick(_sales);
        }

        var created = Instant(createdDay, countryIndex);
        if (created >= End)
        {
            created = End.AddMinutes(-1);
        }

        // The record exists before anything is recorded about the customer (events on the sign-up day get their own hour).
        var earliest = Earliest(batch, firstTransaction, firstInteraction);
        if (earliest is { } e && e <= created)
        {
            created = e.AddMinutes(-_rng.Int(5, 120));
            created = created < _start ? _start : created;
        }

        batch.Customers.Add(new CustomerRow(
            id, first, last, email, phone, street, city, postal, region is null ? null : Trim(region, 100), country, birth, language,
            company?.Id, owner?.Id, Trim(CustomerRules.SearchText(first, last, email), 500), created));

        if (orderCount > 0)
        {
            batch.ExternalIds.Add(new ExternalIdRow(++_ids.ExternalId, id, DemoCatalog.ShopSource, $"C{id:D8}", created));
        }

        Tags(batch, id, persona, isProspect, revenue, subscriber, boughtCourse, boughtCoffee, boughtTea);
        Fields(batch, id, persona, orderCount);
        batch.Metrics.Add(Metrics(batch, id, firstTransaction, firstInteraction));
    }

    private static DateTimeOffset? Earliest(DemoBatch batch, int firstTransaction, int firstInteraction)
    {
        DateTimeOffset? earliest = null;
        for (var i = firstTransaction; i < batch.Transactions.Count; i++)
        {
            var at = batch.Transactions[i].OccurredAt;
            earliest = earliest is null || at < earliest ? at : earliest;
        }

        for (var i = firstInteraction; i < batch.Interactions.Count; i++)
        {
            var at = batch.Interactions[i].OccurredAt;
            earliest = earliest is null || at < earliest ? at : earliest;
        }

        return earliest;
    }

    /// <summary>
    /// The customer's <c>customer_metrics</c> row, computed from the rows just generated: the same values
    /// <see cref="Rapport.Metrics.CustomerMetricsUpdater"/> derives with SQL (every demo transaction is in the reporting currency).
    /// </summary>
    private static MetricsRow Metrics(DemoBatch batch, long id, int firstTransaction, int firstInteraction)
    {
        DateTimeOffset? first = null, last = null, lastInteraction = null;
        var revenue = 0m;
        for (var i = firstTransaction; i < batch.Transactions.Count; i++)
        {
            var t = batch.Transactions[i];
            first = first is null || t.OccurredAt < first ? t.OccurredAt : first;
            last = last is null || t.OccurredAt > last ? t.OccurredAt : last;
            revenue += t.Total;
        }

        for (var i = firstInteraction; i < batch.Interactions.Count; i++)
        {
            var at = batch.Interactions[i].OccurredAt;
            lastInteraction = lastInteraction is null || at > lastInteraction ? at : lastInteraction;
        }

        return new MetricsRow(id, first, last, batch.Transactions.Count - firstTransaction, revenue, batch.Interactions.Count - firstInteraction, lastInteraction);
    }

    public DateTimeOffset End => _start.AddDays(HistoryDays);

    private void AddInteraction(DemoBatch batch, long customerId, InteractionTemplate template, double day, int countryIndex, string first, string? product, DemoCompany? company, DemoStaff? owner)
    {
        DemoStaff? staff = template.LoggedBy switch
        {
            null => null,
            Identity.Role.Sales => owner is { Role: Identity.Role.Sales } ? owner : _rng.Pick(_sales),
            Identity.Role.Marketing => _rng.Pick(_marketing),
            _ => _rng.Pick(_service),
        };
        var days = _rng.Int(2, 6);
        var staffFirstName = staff?.DisplayName.Split(' ')[0];
        var subject = DemoTexts.Fill(template.Subject, first, product, company?.Name, staffFirstName, days);
        var notes = DemoTexts.Fill(template.Notes, first, product, company?.Name, staffFirstName, days);
        var occurred = Instant(day, countryIndex);
        if (occurred >= End)
        {
            occurred = End.AddMinutes(-_rng.Int(1, 600));
        }

        batch.Interactions.Add(new InteractionRow(
            ++_ids.Interaction, customerId, template.Channel, template.Direction, template.Type, Trim(subject, 200), notes, occurred, staff?.Id));
    }

    private InteractionTemplate Pick(InteractionTemplate[] templates)
    {
        Span<double> weights = stackalloc double[templates.Length];
        for (var i = 0; i < templates.Length; i++)
        {
            weights[i] = templates[i].Weight;
        }

        return templates[_rng.Weighted(weights)];
    }

    private DemoProduct[] Favourites(Persona persona)
    {
        var pool = persona switch
        {
            Persona.Tea => _consumer[Shelf.Tea],
            Persona.Office or Persona.Cafe => _business[Shelf.Wholesale],
            _ => _consumer[Shelf.CoffeeBeans],
        };
        return [_rng.Pick(pool), _rng.Pick(pool)];
    }

    /// <summary>Fills <see cref="_basket"/> and <see cref="_quantities"/> with 1–4 distinct products.</summary>
    private void Basket(Persona persona, DemoProduct[] favourites, bool subscriber, bool firstOrder)
    {
        _basket.Clear();
        _quantities.Clear();
        var lines = 1 + _rng.Weighted(LineCountWeights);
        for (var attempt = 0; _basket.Count < lines && attempt < lines * 4; attempt++)
        {
            var (product, quantity) = _basket.Count == 0 ? MainItem(persona, favourites, subscriber) : AddOn(persona, favourites, firstOrder);
            if (!_basket.Contains(product))
            {
                _basket.Add(product);
                _quantities.Add(quantity);
            }
        }
    }

    private (DemoProduct, int) MainItem(Persona persona, DemoProduct[] favourites, bool subscriber)
    {
        switch (persona)
        {
            case Persona.Office:
                return _rng.Chance(0.5)
                    ? (_business[Shelf.Subscription][0], 1)
                    : (_rng.Chance(0.7) ? favourites[0] : _rng.Pick(_business[Shelf.Wholesale]), _rng.Int(1, 3));
            case Persona.Cafe:
                return (_rng.Chance(0.7) ? favourites[0] : _rng.Pick(_business[Shelf.Wholesale]), _rng.Int(1, 6));
            default:
                if (subscriber && _rng.Chance(0.7))
                {
                    var subscriptions = _consumer[Shelf.Subscription];
                    return (persona == Persona.Tea ? subscriptions[^1] : subscriptions[favourites[0].Price > 15 ? 0 : 1], 1);
                }

                var pool = persona switch
                {
                    Persona.Tea => _consumer[Shelf.Tea],
                    Persona.Mixed => _rng.Chance(0.5) ? _consumer[Shelf.Tea] : _consumer[Shelf.CoffeeBeans],
                    _ => _consumer[Shelf.CoffeeBeans],
                };
                var product = _rng.Chance(0.65) && persona != Persona.Mixed ? favourites[_rng.Int(0, 2)] : _rng.Pick(pool);
                return (product, 1 + _rng.Weighted([0.70, 0.22, 0.08]));
        }
    }

    private (DemoProduct, int) AddOn(Persona persona, DemoProduct[] favourites, bool firstOrder)
    {
        if (persona is Persona.Office or Persona.Cafe)
        {
            var roll = _rng.Uniform();
            return roll switch
            {
                < 0.45 => (_rng.Pick(_business[Shelf.Wholesale]), _rng.Int(1, 4)),
                < 0.75 => (_rng.Pick(_consumer[Shelf.Accessory]), _rng.Int(2, 12)),
                < 0.90 => (_rng.Pick(_consumer[Shelf.CoffeeBeans]), _rng.Int(2, 6)),
                < 0.96 => (_business[Shelf.Service][0], 1),
                _ => (_business[Shelf.Course][0], 1),
            };
        }

        var equipmentChance = firstOrder ? 0.35 : persona == Persona.Enthusiast ? 0.15 : 0.06;
        var r = _rng.Uniform();
        if (r < equipmentChance)
        {
            var equipment = _consumer[Shelf.Equipment];
            var pick = _rng.Pick(equipment);
            if (persona == Persona.Tea && _rng.Chance(0.6))
            {
                pick = equipment.First(p => p.Sku == "EQ-TEAPOT-CAST");
            }

            return (pick, 1);
        }

        r -= equipmentChance;
        if (r < 0.04)
        {
            var courses = _consumer[Shelf.Course];
            return (persona == Persona.Tea ? courses.First(p => p.Sku == "CO-TEA-TASTING") : _rng.Pick(courses), _rng.Chance(0.8) ? 1 : 2);
        }

        if (r < 0.06)
        {
            return (_rng.Pick(_consumer[Shelf.Service]), 1);
        }

        if (r < 0.40)
        {
            return (_rng.Pick(_consumer[Shelf.Accessory]), _rng.Chance(0.85) ? 1 : 2);
        }

        var pool = persona == Persona.Tea || (persona == Persona.Mixed && _rng.Chance(0.5)) ? _consumer[Shelf.Tea] : _consumer[Shelf.CoffeeBeans];
        return (_rng.Chance(0.5) ? favourites[1] : _rng.Pick(pool), 1 + _rng.Weighted([0.8, 0.2]));
    }

    private void Tags(DemoBatch batch, long id, Persona persona, bool isProspect, decimal revenue, bool subscriber, bool course, int coffee, int tea)
    {
        if (_rng.Chance(isProspect ? 0.7 : 0.4))
        {
            batch.Tags.Add(new TagRow(id, "newsletter"));
        }

        if (revenue >= VipRevenue && persona is not (Persona.Office or Persona.Cafe))
        {
            batch.Tags.Add(new TagRow(id, "vip"));
        }

        if (persona == Persona.Cafe)
        {
            batch.Tags.Add(new TagRow(id, "wholesale"));
        }

        if (persona == Persona.Office)
        {
            batch.Tags.Add(new TagRow(id, "office"));
        }

        if (coffee >= 3 && persona is Persona.Coffee or Persona.Enthusiast or Persona.Mixed)
        {
            batch.Tags.Add(new TagRow(id, "coffee-lover"));
        }

        if (tea >= 3)
        {
            batch.Tags.Add(new TagRow(id, "tea-lover"));
        }

        if (subscriber)
        {
            batch.Tags.Add(new TagRow(id, "subscriber"));
        }

        if (course)
        {
            batch.Tags.Add(new TagRow(id, "course-alumni"));
        }
    }

    private void Fields(DemoBatch batch, long id, Persona persona, int orders)
    {
        var coffeeDrinker = persona is not Persona.Tea;
        if (_roast is { Usable: true } && coffeeDrinker && _rng.Chance(0.6))
        {
            var roast = persona switch
            {
                Persona.Enthusiast => DemoCatalog.Roasts[_rng.Weighted([0.5, 0.3, 0.05, 0.15])],
                Persona.Office or Persona.Cafe => DemoCatalog.Roasts[_rng.Weighted([0.05, 0.25, 0.2, 0.5])],
                _ => DemoCatalog.Roasts[_rng.Weighted([0.2, 0.45, 0.25, 0.1])],
            };
            batch.FieldValues.Add(new FieldValueRow(id, _roast.Id, roast, null, null));
        }

        if (_brew is { Usable: true } && _rng.Chance(0.5))
        {
            var method = persona switch
            {
                Persona.Tea => "Teapot",
                Persona.Office or Persona.Cafe => "Espresso",
                Persona.Enthusiast => DemoCatalog.BrewMethods[_rng.Weighted([0.5, 0.35, 0.05, 0.02, 0.08, 0])],
                _ => DemoCatalog.BrewMethods[_rng.Weighted([0.15, 0.3, 0.25, 0.15, 0.1, 0.05])],
            };
            batch.FieldValues.Add(new FieldValueRow(id, _brew.Id, method, null, null));
        }

        if (_loyalty is { Usable: true } && orders > 0)
        {
            batch.FieldValues.Add(new FieldValueRow(id, _loyalty.Id, null, null, _rng.Chance(orders >= 2 ? 0.7 : 0.25)));
        }

        if (_cups is { Usable: true } && coffeeDrinker && persona is not (Persona.Office or Persona.Cafe) && _rng.Chance(0.3))
        {
            batch.FieldValues.Add(new FieldValueRow(id, _cups.Id, null, 1 + _rng.Weighted([0.3, 0.35, 0.2, 0.1, 0.05]), null));
        }
    }

    private DateOnly BirthDate()
    {
        var age = Math.Clamp(_rng.Normal(41, 13), 18, 88);
        return _today.AddDays(-(int)(age * 365.25));
    }

    private string Language(string country) => country switch
    {
        "US" => _rng.Chance(0.08) ? "es" : "en",
        "CA" => _rng.Chance(0.22) ? "fr-CA" : "en",
        "DE" => "de",
        "FR" => "fr",
        _ => "en",
    };

    private string Email(string first, string last, DateOnly? birth, DemoCompany? company)
    {
        var f = Slug(first, '\0');
        var l = Slug(last, '\0');
        if (f.Length == 0)
        {
            f = "customer";
        }

        if (l.Length == 0)
        {
            l = "x";
        }

        string candidate;
        string domain;
        if (company is not null)
        {
            domain = company.Domain;
            candidate = _rng.Chance(0.8) ? $"{f}.{l}" : $"{f[0]}{l}";
        }
        else
        {
            domain = _rng.Pick(DemoCatalog.PersonalDomains);
            var year = birth?.Year ?? _rng.Int(1950, 2005);
            candidate = _rng.Int(0, 8) switch
            {
                0 => $"{f}.{l}",
                1 => $"{f}{l}",
                2 => $"{f}.{l}{year % 100:D2}",
                3 => $"{f[0]}{l}",
                4 => $"{f}_{l}",
                5 => $"{l}.{f}",
                6 => $"{f}{year}",
                _ => $"{f}.{l}{year}",
            };
        }

        var email = $"{candidate}@{domain}";
        while (!_emails.TryAdd(email))
        {
            email = $"{candidate}{_rng.Int(2, 10_000)}@{domain}";
        }

        return Trim(email, 254);
    }

    /// <summary>A local time of day typical for the customer's country, as a UTC instant.</summary>
    private DateTimeOffset Instant(double day, int countryIndex)
    {
        var localHour = _rng.Weighted(LocalHourWeights);
        var seconds = (localHour * 3600) + _rng.Int(0, 3600) - (UtcOffsetHours[countryIndex] * 3600);
        var instant = _start.AddDays(Math.Floor(day)).AddSeconds(seconds);
        return instant < _start ? _start.AddSeconds(_rng.Int(0, 3600)) : instant;
    }

    /// <summary>A phone number as the API accepts it: Bogus extensions (" x123") cut, only digits, spaces and + - ( ) . / kept.</summary>
    public static string Phone(string raw)
    {
        var cut = raw.IndexOf('x', StringComparison.OrdinalIgnoreCase);
        var number = cut > 0 ? raw[..cut] : raw;
        var sb = new StringBuilder(number.Length);
        foreach (var c in number)
        {
            if (char.IsAsciiDigit(c) || c is '+' or '-' or '(' or ')' or '.' or ' ' or '/')
            {
                sb.Append(c);
            }
        }

        return Trim(sb.ToString().Trim(), 40);
    }

    private static string ShortName(string name)
    {
        var comma = name.IndexOf(',', StringComparison.Ordinal);
        return comma > 0 ? name[..comma] : name;
    }

    private static string Trim(string value, int max) => value.Length <= max ? value : value[..max];

    /// <summary>Lower-case ASCII letters and digits of a name, with <paramref name="separator"/> between words ('\0': none); accents are dropped.</summary>
    public static string Slug(string value, char separator)
    {
        var folded = Validate.Fold(value);
        var sb = new StringBuilder(folded.Length);
        var pendingSeparator = false;
        foreach (var c in folded)
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            {
                if (pendingSeparator && separator != '\0' && sb.Length > 0)
                {
                    sb.Append(separator);
                }

                sb.Append(c);
                pendingSeparator = false;
            }
            else if (c is ' ' or '-' or '&' or ',' or '.')
            {
                pendingSeparator = true;
            }
        }

        return sb.ToString();
    }
}
