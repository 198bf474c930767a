using System.Collections.Frozen;
using Rapport.Common;

namespace Rapport.Ingestion;

/// <summary>
/// Country names as spreadsheets and shop systems write them ("Germany", "United States", "UK", "Deutschland"),
/// mapped to ISO 3166-1 alpha-2 codes, so an imported row need not carry the code. Compared folded (case and accents
/// ignored). A value that is not a known name is passed on unchanged and checked as a code by the customer rules.
/// </summary>
internal static class CountryNames
{
    public static string? ToCode(string? value)
    {
        var clean = Validate.Clean(value);
        if (clean is null || clean.Length <= 2)
        {
            return clean;
        }

        return Names.TryGetValue(Validate.Fold(clean).Replace(".", "", StringComparison.Ordinal), out var code) ? code : clean;
    }

    private static readonly FrozenDictionary<string, string> Names = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["afghanistan"] = "AF", ["albania"] = "AL", ["algeria"] = "DZ", ["andorra"] = "AD", ["angola"] = "AO", ["argentina"] = "AR",
        ["armenia"] = "AM", ["australia"] = "AU", ["austria"] = "AT", ["osterreich"] = "AT", ["azerbaijan"] = "AZ", ["bahamas"] = "BS",
        ["bahrain"] = "BH", ["bangladesh"] = "BD", ["barbados"] = "BB", ["belarus"] = "BY", ["belgium"] = "BE", ["belgique"] = "BE",
        ["belgie"] = "BE", ["belize"] = "BZ", ["benin"] = "BJ", ["bhutan"] = "BT", ["bolivia"] = "BO", ["bosnia and herzegovina"] = "BA",
        ["botswana"] = "BW", ["brazil"] = "BR", ["brasil"] = "BR", ["brunei"] = "BN", ["bulgaria"] = "BG", ["burkina faso"] = "BF",
        ["burundi"] = "BI", ["cambodia"] = "KH", ["cameroon"] = "CM", ["canada"] = "CA", ["cape verde"] = "CV", ["chad"] = "TD",
        ["chile"] = "CL", ["china"] = "CN", ["colombia"] = "CO", ["costa rica"] = "CR", ["croatia"] = "HR", ["hrvatska"] = "HR",
        ["cuba"] = "CU", ["cyprus"] = "CY", ["czech republic"] = "CZ", ["czechia"] = "CZ", ["denmark"] = "DK", ["danmark"] = "DK",
        ["dominican republic"] = "DO", ["ecuador"] = "EC", ["egypt"] = "EG", ["el salvador"] = "SV", ["estonia"] = "EE",
        ["ethiopia"] = "ET", ["fiji"] = "FJ", ["finland"] = "FI", ["suomi"] = "FI", ["france"] = "FR", ["georgia"] = "GE",
        ["germany"] = "DE", ["deutschland"] = "DE", ["ghana"] = "GH", ["greece"] = "GR", ["guatemala"] = "GT", ["honduras"] = "HN",
        ["hong kong"] = "HK", ["hungary"] = "HU", ["iceland"] = "IS", ["india"] = "IN", ["indonesia"] = "ID", ["iran"] = "IR",
        ["iraq"] = "IQ", ["ireland"] = "IE", ["israel"] = "IL", ["italy"] = "IT", ["italia"] = "IT", ["ivory coast"] = "CI",
        ["cote d'ivoire"] = "CI", ["jamaica"] = "JM", ["japan"] = "JP", ["jordan"] = "JO", ["kazakhstan"] = "KZ", ["kenya"] = "KE",
        ["kosovo"] = "XK", ["kuwait"] = "KW", ["kyrgyzstan"] = "KG", ["laos"] = "LA", ["latvia"] = "LV", ["lebanon"] = "LB",
        ["libya"] = "LY", ["liechtenstein"] = "LI", ["lithuania"] = "LT", ["luxembourg"] = "LU", ["macau"] = "MO", ["macao"] = "MO",
        ["madagascar"] = "MG", ["malawi"] = "MW", ["malaysia"] = "MY", ["maldives"] = "MV", ["mali"] = "ML", ["malta"] = "MT",
        ["mauritius"] = "MU", ["mexico"] = "MX", ["moldova"] = "MD", ["monaco"] = "MC", ["mongolia"] = "MN", ["montenegro"] = "ME",
        ["morocco"] = "MA", ["mozambique"] = "MZ", ["myanmar"] = "MM", ["namibia"] = "NA", ["nepal"] = "NP", ["netherlands"] = "NL",
        ["the netherlands"] = "NL", ["holland"] = "NL", ["nederland"] = "NL", ["new zealand"] = "NZ", ["nicaragua"] = "NI",
        ["niger"] = "NE", ["nigeria"] = "NG", ["north korea"] = "KP", ["north macedonia"] = "MK", ["norway"] = "NO", ["norge"] = "NO",
        ["oman"] = "OM", ["pakistan"] = "PK", ["panama"] = "PA", ["paraguay"] = "PY", ["peru"] = "PE", ["philippines"] = "PH",
        ["poland"] = "PL", ["polska"] = "PL", ["portugal"] = "PT", ["puerto rico"] = "PR", ["qatar"] = "QA", ["romania"] = "RO",
        ["russia"] = "RU", ["russian federation"] = "RU", ["rwanda"] = "RW", ["saudi arabia"] = "SA", ["senegal"] = "SN",
        ["serbia"] = "RS", ["singapore"] = "SG", ["slovakia"] = "SK", ["slovenia"] = "SI", ["somalia"] = "SO", ["south africa"] = "ZA",
        ["south korea"] = "KR", ["korea"] = "KR", ["republic of korea"] = "KR", ["spain"] = "ES", ["espana"] = "ES", ["sri lanka"] = "LK",
        ["sudan"] = "SD", ["sweden"] = "SE", ["sverige"] = "SE", ["switzerland"] = "CH", ["schweiz"] = "CH", ["suisse"] = "CH",
        ["svizzera"] = "CH", ["syria"] = "SY", ["taiwan"] = "TW", ["tajikistan"] = "TJ", ["tanzania"] = "TZ", ["thailand"] = "TH",
        ["togo"] = "TG", ["trinidad and tobago"] = "TT", ["tunisia"] = "TN", ["turkey"] = "TR", ["turkiye"] = "TR",
        ["turkmenistan"] = "TM", ["uganda"] = "UG", ["ukraine"] = "UA", ["united arab emirates"] = "AE", ["uae"] = "AE",
        ["united kingdom"] = "GB", ["uk"] = "GB", ["great britain"] = "GB", ["britain"] = "GB", ["england"] = "GB", ["scotland"] = "GB",
        ["wales"] = "GB", ["northern ireland"] = "GB", ["united states"] = "US", ["united states of america"] = "US", ["usa"] = "US",
        ["america"] = "US", ["uruguay"] = "UY", ["uzbekistan"] = "UZ", ["venezuela"] = "VE", ["vietnam"] = "VN", ["viet nam"] = "VN",
        ["yemen"] = "YE", ["zambia"] = "ZM", ["zimbabwe"] = "ZW",
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
