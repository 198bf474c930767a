using System.Collections.Frozen;
using Rapport.Common;

namespace Rapport.VCards;

/// <summary>
/// Country names as address books write them (vCard ADR holds a name, not a code) ↔ ISO 3166-1 alpha-2 codes of
/// <see cref="Countries"/>. English short names, common variants and the endonyms of the most frequent countries;
/// matching ignores case, accents, dots and "the". Invariant globalization leaves <c>RegionInfo</c> without names,
/// hence the table.
/// </summary>
public static class CountryNames
{
    private const string English =
        "AD=Andorra|AE=United Arab Emirates|AF=Afghanistan|AG=Antigua and Barbuda|AI=Anguilla|AL=Albania|AM=Armenia|AO=Angola|" +
        "AQ=Antarctica|AR=Argentina|AS=American Samoa|AT=Austria|AU=Australia|AW=Aruba|AX=Åland Islands|AZ=Azerbaijan|" +
        "BA=Bosnia and Herzegovina|BB=Barbados|BD=Bangladesh|BE=Belgium|BF=Burkina Faso|BG=Bulgaria|BH=Bahrain|BI=Burundi|BJ=Benin|" +
        "BL=Saint Barthélemy|BM=Bermuda|BN=Brunei|BO=Bolivia|BQ=Caribbean Netherlands|BR=Brazil|BS=Bahamas|BT=Bhutan|BV=Bouvet Island|" +
        "BW=Botswana|BY=Belarus|BZ=Belize|CA=Canada|CC=Cocos (Keeling) Islands|CD=Democratic Republic of the Congo|" +
        "CF=Central African Republic|CG=Republic of the Congo|CH=Switzerland|CI=Côte d'Ivoire|CK=Cook Islands|CL=Chile|CM=Cameroon|" +
        "CN=China|CO=Colombia|CR=Costa Rica|CU=Cuba|CV=Cape Verde|CW=Curaçao|CX=Christmas Island|CY=Cyprus|CZ=Czechia|DE=Germany|" +
        "DJ=Djibouti|DK=Denmark|DM=Dominica|DO=Dominican Republic|DZ=Algeria|EC=Ecuador|EE=Estonia|EG=Egypt|EH=Western Sahara|" +
        "ER=Eritrea|ES=Spain|ET=Ethiopia|FI=Finland|FJ=Fiji|FK=Falkland Islands|FM=Micronesia|FO=Faroe Islands|FR=France|GA=Gabon|" +
        "GB=United Kingdom|GD=Grenada|GE=Georgia|GF=French Guiana|GG=Guernsey|GH=Ghana|GI=Gibraltar|GL=Greenland|GM=Gambia|GN=Guinea|" +
        "GP=Guadeloupe|GQ=Equatorial Guinea|GR=Greece|GS=South Georgia and the South Sandwich Islands|GT=Guatemala|GU=Guam|" +
        "GW=Guinea-Bissau|GY=Guyana|HK=Hong Kong|HM=Heard Island and McDonald Islands|HN=Honduras|HR=Croatia|HT=Haiti|HU=Hungary|" +
        "ID=Indonesia|IE=Ireland|IL=Israel|IM=Isle of Man|IN=India|IO=British Indian Ocean Territory|IQ=Iraq|IR=Iran|IS=Iceland|" +
        "IT=Italy|JE=Jersey|JM=Jamaica|JO=Jordan|JP=Japan|KE=Kenya|KG=Kyrgyzstan|KH=Cambodia|KI=Kiribati|KM=Comoros|" +
        "KN=Saint Kitts and Nevis|KP=North Korea|KR=South Korea|KW=Kuwait|KY=Cayman Islands|KZ=Kazakhstan|LA=Laos|LB=Lebanon|" +
        "LC=Saint Lucia|LI=Liechtenstein|LK=Sri Lanka|LR=Liberia|LS=Lesotho|LT=Lithuania|LU=Luxembourg|LV=Latvia|LY=Libya|MA=Morocco|" +
        "MC=Monaco|MD=Moldova|ME=Montenegro|MF=Saint Martin|MG=Madagascar|MH=Marshall Islands|MK=North Macedonia|ML=Mali|MM=Myanmar|" +
        "MN=Mongolia|MO=Macao|MP=Northern Mariana Islands|MQ=Martinique|MR=Mauritania|MS=Montserrat|MT=Malta|MU=Mauritius|MV=Maldives|" +
        "MW=Malawi|MX=Mexico|MY=Malaysia|MZ=Mozambique|NA=Namibia|NC=New Caledonia|NE=Niger|NF=Norfolk Island|NG=Nigeria|NI=Nicaragua|" +
        "NL=Netherlands|NO=Norway|NP=Nepal|NR=Nauru|NU=Niue|NZ=New Zealand|OM=Oman|PA=Panama|PE=Peru|PF=French Polynesia|" +
        "PG=Papua New Guinea|PH=Philippines|PK=Pakistan|PL=Poland|PM=Saint Pierre and Miquelon|PN=Pitcairn Islands|PR=Puerto Rico|" +
        "PS=Palestine|PT=Portugal|PW=Palau|PY=Paraguay|QA=Qatar|RE=Réunion|RO=Romania|RS=Serbia|RU=Russia|RW=Rwanda|SA=Saudi Arabia|" +
        "SB=Solomon Islands|SC=Seychelles|SD=Sudan|SE=Sweden|SG=Singapore|SH=Saint Helena|SI=Slovenia|SJ=Svalbard and Jan Mayen|" +
        "SK=Slovakia|SL=Sierra Leone|SM=San Marino|SN=Senegal|SO=Somalia|SR=Suriname|SS=South Sudan|ST=São Tomé and Príncipe|" +
        "SV=El Salvador|SX=Sint Maarten|SY=Syria|SZ=Eswatini|TC=Turks and Caicos Islands|TD=Chad|TF=French Southern Territories|TG=Togo|" +
        "TH=Thailand|TJ=Tajikistan|TK=Tokelau|TL=Timor-Leste|TM=Turkmenistan|TN=Tunisia|TO=Tonga|TR=Türkiye|TT=Trinidad and Tobago|" +
        "TV=Tuvalu|TW=Taiwan|TZ=Tanzania|UA=Ukraine|UG=Uganda|UM=United States Minor Outlying Islands|US=United States|UY=Uruguay|" +
        "UZ=Uzbekistan|VA=Vatican City|VC=Saint Vincent and the Grenadines|VE=Venezuela|VG=British Virgin Islands|" +
        "VI=U.S. Virgin Islands|VN=Vietnam|VU=Vanuatu|WF=Wallis and Futuna|WS=Samoa|XK=Kosovo|YE=Yemen|YT=Mayotte|ZA=South Africa|" +
        "ZM=Zambia|ZW=Zimbabwe";

    private const string Variants =
        "AE=UAE|AT=Österreich|BE=België|BE=Belgique|BE=Belgien|BO=Plurinational State of Bolivia|BR=Brasil|BN=Brunei Darussalam|" +
        "CD=DR Congo|CD=Congo-Kinshasa|CG=Congo|CG=Congo-Brazzaville|CH=Schweiz|CH=Suisse|CH=Svizzera|CH=Confoederatio Helvetica|" +
        "CI=Ivory Coast|CN=People's Republic of China|CN=PRC|CN=中国|CN=中華人民共和國|CN=中华人民共和国|CV=Cabo Verde|CZ=Czech Republic|" +
        "CZ=Česko|CZ=Česká republika|DE=Deutschland|DE=Federal Republic of Germany|DK=Danmark|EE=Eesti|ES=España|FI=Suomi|" +
        "FM=Federated States of Micronesia|FR=République française|GB=UK|GB=Great Britain|GB=Britain|GB=England|GB=Scotland|" +
        "GB=Wales|GB=Northern Ireland|GB=United Kingdom of Great Britain and Northern Ireland|GR=Ελλάδα|GR=Hellas|HR=Hrvatska|" +
        "HU=Magyarország|IE=Éire|IE=Republic of Ireland|IR=Islamic Republic of Iran|IS=Ísland|IT=Italia|JP=日本|JP=Nippon|" +
        "KR=Korea|KR=Republic of Korea|KR=대한민국|KR=한국|KP=Democratic People's Republic of Korea|LA=Lao People's Democratic Republic|" +
        "LT=Lietuva|LU=Lëtzebuerg|LV=Latvija|MD=Republic of Moldova|MK=Macedonia|MM=Burma|MX=México|NL=Nederland|NL=Holland|" +
        "NL=The Netherlands|NO=Norge|PL=Polska|PS=State of Palestine|PT=Portuguesa|RO=România|RS=Srbija|RU=Russian Federation|" +
        "RU=Россия|SE=Sverige|SI=Slovenija|SK=Slovensko|SY=Syrian Arab Republic|SZ=Swaziland|TR=Turkey|TW=台灣|TW=台湾|" +
        "TZ=United Republic of Tanzania|UA=Україна|US=USA|US=United States of America|US=America|US=U.S.|US=US of A|" +
        "VA=Holy See|VE=Bolivarian Republic of Venezuela|VN=Viet Nam|VN=Việt Nam|BG=България|HK=香港|MO=澳門|SG=新加坡|TH=ประเทศไทย|" +
        "IL=ישראל|SA=السعودية|EG=مصر|IN=Bharat|IN=भारत|ID=Republik Indonesia|AR=República Argentina|CL=República de Chile|" +
        "CO=República de Colombia|PE=Perú|CU=República de Cuba|DO=República Dominicana|PA=Panamá|ZA=Suid-Afrika";

    private static readonly FrozenDictionary<string, string> CodeToName = English.Split('|')
        .Select(p => p.Split('=', 2)).ToFrozenDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> NameToCode = English.Split('|').Concat(Variants.Split('|'))
        .Select(p => p.Split('=', 2))
        .GroupBy(p => Key(p[1]))
        .ToFrozenDictionary(g => g.Key, g => g.First()[0], StringComparer.Ordinal);

    /// <summary>The English short name of an ISO code (e.g. DE → Germany); null for an unknown code.</summary>
    public static string? NameOf(string? code) =>
        code is not null && CodeToName.TryGetValue(code.ToUpperInvariant(), out var name) ? name : null;

    /// <summary>
    /// The ISO 3166-1 alpha-2 code for a country code (any case) or name ("Deutschland", "United States of America",
    /// "the Netherlands", "日本"); null when it is not recognised.
    /// </summary>
    public static string? Resolve(string? text)
    {
        var clean = Validate.Clean(text);
        if (clean is null)
        {
            return null;
        }

        if (clean.Length == 2 && Countries.Codes.Contains(clean.ToUpperInvariant()))
        {
            return clean.ToUpperInvariant();
        }

        return NameToCode.TryGetValue(Key(clean), out var code) ? code : null;
    }

    private static string Key(string name)
    {
        var folded = Validate.Fold(name).Replace(".", "", StringComparison.Ordinal).Replace("’", "'", StringComparison.Ordinal);
        folded = string.Join(' ', folded.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return folded.StartsWith("the ", StringComparison.Ordinal) ? folded[4..] : folded;
    }
}
