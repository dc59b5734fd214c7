//! The labelled corpus: document templates in seven languages and many technical formats.
//! Every inserted sensitive value is recorded with its exact byte span, entity and kind;
//! everything else in a document (including the hard negatives) must not be reported.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use promptwall::detect::Entity;

use crate::values::{self as v, Rng};

/// How a kind is recognised, which decides its recall gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Checksum-validated (Luhn, mod-97, CRC32, check letters...): recall >= 99%.
    Validated,
    /// Unique prefix or self-describing structure (AKIA, xoxb-, eyJ..., -----BEGIN): >= 99%.
    Prefixed,
    /// Structured PII without a checksum (email, phone, IP, MAC, SSN, NINO): reported.
    Structured,
    /// Needs a key/keyword context (passwords, connection strings, generic secrets).
    Context,
    /// Natural-language PII behind a cue (names, addresses, dates of birth, passports).
    Natural,
}

impl Tier {
    pub fn short(self) -> &'static str {
        match self {
            Tier::Validated => "V",
            Tier::Prefixed => "P",
            Tier::Structured => "S",
            Tier::Context => "C",
            Tier::Natural => "N",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Label {
    pub kind: &'static str,
    pub entity: Entity,
    pub tier: Tier,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub id: usize,
    pub lang: &'static str,
    pub format: &'static str,
    pub text: String,
    pub labels: Vec<Label>,
}

#[derive(Default)]
pub struct Builder {
    text: String,
    labels: Vec<Label>,
}

impl Builder {
    /// Unlabelled text.
    pub fn t(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }
    /// A labelled value.
    pub fn v(&mut self, kind: &'static str, entity: Entity, tier: Tier, value: &str) -> &mut Self {
        let start = self.text.len();
        self.text.push_str(value);
        self.labels.push(Label {
            kind,
            entity,
            tier,
            start,
            end: self.text.len(),
        });
        self
    }
}

pub const LANGS: &[&str] = &["en", "pt", "de", "fr", "es", "it", "nl"];

type Template = fn(&mut Rng, &'static str, &mut Builder);

/// The whole corpus: `n` documents from `seed`, deterministic.
pub fn generate(seed: u64, n: usize) -> Vec<Doc> {
    let mut rng = Rng::new(seed);
    let formats: &[(&'static str, Template)] = &[
        ("chat", chat),
        ("chat_pii", chat_pii),
        ("ticket", ticket),
        ("form", form),
        ("app_log", app_log),
        ("k8s_secret", k8s_secret),
        ("k8s_deployment", k8s_deployment),
        ("dotenv", dotenv),
        ("terraform", terraform),
        ("curl", curl),
        ("stack_trace", stack_trace),
        ("json_config", json_config),
        ("kubeconfig", kubeconfig),
        ("docker_config", docker_config),
        ("clean", clean),
        ("clean_ops", clean_ops),
        ("prose", prose),
    ];
    (0..n)
        .map(|id| {
            let (format, f) = formats[id % formats.len()];
            let lang = LANGS[(id / formats.len()) % LANGS.len()];
            let mut b = Builder::default();
            f(&mut rng, lang, &mut b);
            Doc {
                id,
                lang,
                format,
                text: b.text,
                labels: b.labels,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Language tables.
// ---------------------------------------------------------------------------------------------

fn li(lang: &str) -> usize {
    LANGS.iter().position(|l| *l == lang).unwrap_or(0)
}

const GIVEN: [&[&str]; 7] = [
    &[
        "James", "Emily", "Oliver", "Sarah", "Michael", "Jessica", "Daniel", "Laura", "Thomas",
        "Rachel",
    ],
    &[
        "João", "Maria", "Pedro", "Ana", "Tiago", "Inês", "Rui", "Beatriz", "Miguel", "Catarina",
    ],
    &[
        "Lukas",
        "Anna",
        "Jonas",
        "Katharina",
        "Maximilian",
        "Sophie",
        "Felix",
        "Johanna",
        "Stefan",
        "Sabine",
    ],
    &[
        "Julien",
        "Camille",
        "Nicolas",
        "Claire",
        "Antoine",
        "Élodie",
        "Mathieu",
        "Céline",
        "François",
        "Amélie",
    ],
    &[
        "Javier",
        "Lucía",
        "Alejandro",
        "Carmen",
        "Pablo",
        "Marta",
        "Sergio",
        "Elena",
        "Álvaro",
        "Paula",
    ],
    &[
        "Giuseppe",
        "Giulia",
        "Alessandro",
        "Francesca",
        "Lorenzo",
        "Chiara",
        "Matteo",
        "Federica",
        "Marco",
        "Elisa",
    ],
    &[
        "Daan", "Sanne", "Bram", "Fleur", "Thijs", "Lotte", "Sem", "Anouk", "Joris", "Femke",
    ],
];

const SURNAME: [&[&str]; 7] = [
    &[
        "Smith", "Johnson", "Williams", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thompson",
        "Walker",
    ],
    &[
        "Silva",
        "Santos",
        "Ferreira",
        "Pereira",
        "Oliveira",
        "Costa",
        "Rodrigues",
        "Martins",
        "Sousa",
        "Carvalho",
    ],
    &[
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Hoffmann",
        "Schäfer",
    ],
    &[
        "Martin", "Bernard", "Dubois", "Durand", "Lefèvre", "Moreau", "Laurent", "Girard",
        "Fournier", "Mercier",
    ],
    &[
        "García",
        "Fernández",
        "González",
        "Rodríguez",
        "López",
        "Martínez",
        "Sánchez",
        "Pérez",
        "Gómez",
        "Ruiz",
    ],
    &[
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
        "Greco",
    ],
    &[
        "de Jong",
        "Jansen",
        "de Vries",
        "van den Berg",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "de Boer",
        "Mulder",
    ],
];

const INTRO: [&str; 7] = [
    "Hi, my name is ",
    "Olá, o meu nome é ",
    "Hallo, ich heiße ",
    "Bonjour, je m'appelle ",
    "Hola, me llamo ",
    "Ciao, mi chiamo ",
    "Hallo, ik heet ",
];

const SALUTE: [&str; 7] = [
    "Dear ", "Olá ", "Hallo ", "Bonjour ", "Hola ", "Gentile ", "Beste ",
];

const CLOSING: [&str; 7] = [
    "Best regards,",
    "Atenciosamente,",
    "Mit freundlichen Grüßen",
    "Cordialement,",
    "Saludos,",
    "Cordiali saluti,",
    "Met vriendelijke groet,",
];

const HELP: [&str; 7] = [
    "Can you help me figure out why this deployment fails? Here is what I ran:\n",
    "Podes ajudar-me a perceber porque é que isto falha? Aqui está o que corri:\n",
    "Kannst du mir helfen herauszufinden, warum das fehlschlägt? Das habe ich ausgeführt:\n",
    "Peux-tu m'aider à comprendre pourquoi ça échoue ? Voici ce que j'ai lancé :\n",
    "¿Puedes ayudarme a entender por qué falla esto? Esto es lo que ejecuté:\n",
    "Puoi aiutarmi a capire perché non funziona? Ecco cosa ho eseguito:\n",
    "Kun je me helpen begrijpen waarom dit faalt? Dit heb ik uitgevoerd:\n",
];

const AFTER: [&str; 7] = [
    "\nThe pod keeps restarting with exit code 137 after about 30 seconds.",
    "\nO pod reinicia sempre com exit code 137 ao fim de 30 segundos.",
    "\nDer Pod startet nach etwa 30 Sekunden mit Exit-Code 137 neu.",
    "\nLe pod redémarre avec le code 137 au bout de 30 secondes.",
    "\nEl pod se reinicia con código 137 a los 30 segundos.",
    "\nIl pod si riavvia con codice 137 dopo 30 secondi.",
    "\nDe pod herstart na ongeveer 30 seconden met exitcode 137.",
];

const PHONE_CUE: [&str; 7] = [
    "Phone: ",
    "Telemóvel: ",
    "Telefon: ",
    "Tél. : ",
    "Teléfono: ",
    "Cellulare: ",
    "Telefoon: ",
];
const ADDR_CUE: [&str; 7] = [
    "Address: ",
    "Morada: ",
    "Anschrift: ",
    "Adresse : ",
    "Dirección: ",
    "Indirizzo: ",
    "Adres: ",
];
const DOB_CUE: [&str; 7] = [
    "Date of birth: ",
    "Data de nascimento: ",
    "Geburtsdatum: ",
    "Date de naissance : ",
    "Fecha de nacimiento: ",
    "Data di nascita: ",
    "Geboortedatum: ",
];
const PASSPORT_CUE: [&str; 7] = [
    "Passport number: ",
    "Número do passaporte: ",
    "Reisepassnummer: ",
    "Numéro de passeport : ",
    "Número de pasaporte: ",
    "Numero di passaporto: ",
    "Paspoortnummer: ",
];
const IBAN_CUE: [&str; 7] = [
    "Please refund to my account, IBAN ",
    "Por favor reembolsem para a minha conta, IBAN ",
    "Bitte erstatten Sie den Betrag auf mein Konto, IBAN ",
    "Merci de rembourser sur mon compte, IBAN ",
    "Por favor, reembolsen a mi cuenta, IBAN ",
    "Per favore rimborsate sul mio conto, IBAN ",
    "Graag terugstorten op mijn rekening, IBAN ",
];
const CARD_CUE: [&str; 7] = [
    "I was charged twice on my card ",
    "Fui cobrado duas vezes no cartão ",
    "Meine Karte wurde doppelt belastet: ",
    "J'ai été débité deux fois sur ma carte ",
    "Me cobraron dos veces en la tarjeta ",
    "Mi hanno addebitato due volte sulla carta ",
    "Mijn kaart is twee keer belast: ",
];
const EMAIL_CUE: [&str; 7] = [
    "You can reach me at ",
    "Podem contactar-me em ",
    "Sie erreichen mich unter ",
    "Vous pouvez me joindre à ",
    "Podéis escribirme a ",
    "Potete scrivermi a ",
    "Je kunt me mailen op ",
];
const DOMAINS: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "acme-corp.io",
    "sapo.pt",
    "web.de",
    "orange.fr",
    "telefonica.es",
    "libero.it",
    "ziggo.nl",
    "fastmail.com",
];

fn person(rng: &mut Rng, lang: &str) -> (String, String) {
    let i = li(lang);
    (
        rng.pick(GIVEN[i]).to_string(),
        rng.pick(SURNAME[i]).to_string(),
    )
}

fn ascii_fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'É' => 'e',
            'í' => 'i',
            'ó' | 'ô' => 'o',
            'ú' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            'Á' => 'a',
            'ä' => 'a',
            'ö' => 'o',
            ' ' => '.',
            c => c.to_ascii_lowercase(),
        })
        .collect::<String>()
        .replace("ß", "ss")
}

fn email(rng: &mut Rng, first: &str, last: &str) -> String {
    format!(
        "{}.{}@{}",
        ascii_fold(first),
        ascii_fold(last),
        rng.pick(DOMAINS)
    )
}

/// A phone number valid per libphonenumber for the language's country, in a common format.
fn phone(rng: &mut Rng, lang: &str) -> String {
    use phonenumber::country::Id;
    for _ in 0..200 {
        let (id, s) = match lang {
            "pt" => (
                Id::PT,
                format!(
                    "+351 9{}{} {} {}",
                    rng.pick(&["1", "2", "3", "6"]),
                    rng.digits(1),
                    rng.digits(3),
                    rng.digits(3)
                ),
            ),
            "de" => (
                Id::DE,
                format!("+49 15{} {}", rng.pick(&["1", "2", "7"]), rng.digits(8)),
            ),
            "fr" => (
                Id::FR,
                format!(
                    "+33 6 {} {} {} {}",
                    rng.digits(2),
                    rng.digits(2),
                    rng.digits(2),
                    rng.digits(2)
                ),
            ),
            "es" => (
                Id::ES,
                format!("+34 6{} {} {}", rng.digits(2), rng.digits(3), rng.digits(3)),
            ),
            "it" => (
                Id::IT,
                format!(
                    "+39 3{} {} {}",
                    rng.pick(&["20", "33", "47", "91"]),
                    rng.digits(3),
                    rng.digits(4)
                ),
            ),
            "nl" => (Id::NL, format!("+31 6 {}", rng.digits(8))),
            _ => {
                if rng.chance(0.5) {
                    (
                        Id::GB,
                        format!("+44 7{} {}", rng.range(400, 999), rng.digits(6)),
                    )
                } else {
                    (
                        Id::US,
                        format!(
                            "+1 ({}) {}-{}",
                            rng.pick(&["212", "415", "617", "312", "206"]),
                            rng.range(201, 989),
                            rng.digits(4)
                        ),
                    )
                }
            }
        };
        if let Ok(n) = phonenumber::parse(Some(id), &s) {
            if phonenumber::is_valid(&n) {
                return s;
            }
        }
    }
    panic!("no valid {lang} phone number in 200 attempts: fix the pattern");
}

fn address(rng: &mut Rng, lang: &str) -> String {
    let n = rng.range(1, 180);
    match lang {
        "pt" => format!(
            "Rua {} nº {n}, {}-{} {}",
            rng.pick(&["Augusta", "de Santa Catarina", "do Ouro", "Garrett"]),
            rng.range(1000, 4999),
            rng.digits(3),
            rng.pick(&["Lisboa", "Porto", "Braga"])
        ),
        "de" => format!(
            "{} {n}, {} {}",
            rng.pick(&["Hauptstraße", "Bahnhofstraße", "Lindenweg", "Goethestraße"]),
            rng.range(10115, 99999),
            rng.pick(&["Berlin", "München", "Hamburg", "Köln"])
        ),
        "fr" => format!(
            "{n} {} , {} {}",
            rng.pick(&[
                "rue de la Paix",
                "avenue Victor Hugo",
                "boulevard Voltaire",
                "rue des Lilas"
            ]),
            rng.range(10000, 95999),
            rng.pick(&["Paris", "Lyon", "Nantes"])
        )
        .replace(" ,", ","),
        "es" => format!(
            "Calle {} {n}, {} {}",
            rng.pick(&["Mayor", "de Alcalá", "Gran Vía", "del Prado"]),
            rng.range(10000, 52999),
            rng.pick(&["Madrid", "Sevilla", "Valencia"])
        ),
        "it" => format!(
            "Via {} {n}, {} {}",
            rng.pick(&["Roma", "Garibaldi", "Dante", "Mazzini"]),
            rng.range(10100, 98100),
            rng.pick(&["Milano", "Torino", "Bologna"])
        ),
        "nl" => format!(
            "{} {n}, {} {} {}",
            rng.pick(&["Keizersgracht", "Kerkstraat", "Dorpsstraat", "Stationsweg"]),
            rng.range(1000, 9999),
            rng.string(b"ABCDEGHJKLMNPRSTVWXZ", 2),
            rng.pick(&["Amsterdam", "Utrecht", "Rotterdam"])
        ),
        _ => format!(
            "{n} {} {}, {}",
            rng.pick(&["Oak", "Maple", "Baker", "High"]),
            rng.pick(&["Street", "Avenue", "Road", "Lane"]),
            rng.pick(&[
                "Springfield, IL 62704",
                "Austin, TX 78701",
                "Portland, OR 97205"
            ])
        ),
    }
}

const MONTHS_EN: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn dob(rng: &mut Rng, lang: &str) -> String {
    let (d, m, y) = (rng.range(1, 28), rng.range(1, 12), rng.range(1950, 2004));
    match lang {
        "en" if rng.chance(0.5) => format!("{} {d}, {y}", MONTHS_EN[m - 1]),
        "en" => format!("{y}-{m:02}-{d:02}"),
        "de" => format!("{d:02}.{m:02}.{y}"),
        "nl" => format!("{d:02}-{m:02}-{y}"),
        _ => format!("{d:02}/{m:02}/{y}"),
    }
}

fn passport(rng: &mut Rng, lang: &str) -> String {
    match lang {
        "de" => format!(
            "{}{}",
            rng.string(b"CFGHJK", 1),
            rng.string(b"CFGHJKLMNPRTVWXYZ0123456789", 8)
        ),
        "fr" => format!(
            "{}{}{}",
            rng.digits(2),
            rng.string(UPPER_NO_O, 2),
            rng.digits(5)
        ),
        "es" => format!("{}{}", rng.string(UPPER_NO_O, 3), rng.digits(6)),
        "it" => format!("{}{}", rng.string(UPPER_NO_O, 2), rng.digits(7)),
        "nl" => format!(
            "{}{}{}",
            rng.string(UPPER_NO_O, 2),
            rng.string(b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789", 6),
            rng.digits(1)
        ),
        "pt" => format!("{}{}", rng.string(b"CDEFGHJKLMNPRT", 1), rng.digits(6)),
        _ => format!("{}{}", rng.string(UPPER_NO_O, 1), rng.digits(8)),
    }
}

const UPPER_NO_O: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

/// The VAT id of a business in the language's country (English: any of the seven covered), as
/// written on an invoice or in a signature.
fn vat_id(rng: &mut Rng, lang: &str, b: &mut Builder) {
    let (cue, country) = match lang {
        "de" => ("USt-IdNr.: ", "DE"),
        "fr" => ("N° TVA intracommunautaire : ", "FR"),
        "it" => ("Partita IVA: ", "IT"),
        "nl" => ("Btw-nummer: ", "NL"),
        "pt" => ("NIF (IVA): ", "PT"),
        "es" => ("NIF-IVA: ", "ES"),
        _ => (
            "VAT number: ",
            *rng.pick(&["DE", "FR", "IT", "NL", "PT", "BE", "ES"]),
        ),
    };
    let id = v::eu_vat(rng, country);
    // A third as printed on invoices (spaced; Spanish ids stay glued).
    // Portuguese VAT ids are printed glued; spaced, the digits are the NIF (reported as such).
    let id = if !matches!(country, "ES" | "PT") && rng.chance(0.33) {
        v::vat_spaced(&id)
    } else {
        id
    };
    b.t(cue)
        .v("eu_vat", Entity::EuVat, Tier::Validated, &id)
        .t("\n");
}

/// The national identifier of the language's country, with its cue.
fn national_id(rng: &mut Rng, lang: &str, b: &mut Builder) {
    match lang {
        "pt" => b
            .t("NIF: ")
            .v("pt_nif", Entity::PtNif, Tier::Validated, &v::pt_nif(rng)),
        "de" => b.t("Steuer-ID: ").v(
            "de_steuer_id",
            Entity::DeTaxId,
            Tier::Validated,
            &v::de_steuer_id(rng),
        ),
        "fr" => b.t("Numéro de sécurité sociale : ").v(
            "fr_nir",
            Entity::FrNir,
            Tier::Validated,
            &v::fr_nir(rng),
        ),
        "es" if rng.chance(0.5) => {
            b.t("DNI: ")
                .v("es_dni", Entity::EsNif, Tier::Validated, &v::es_dni(rng))
        }
        "es" => b
            .t("NIE: ")
            .v("es_nie", Entity::EsNif, Tier::Validated, &v::es_nie(rng)),
        "it" => b.t("Codice fiscale: ").v(
            "it_cf",
            Entity::ItFiscalCode,
            Tier::Validated,
            &v::it_codice_fiscale(rng),
        ),
        "nl" => b
            .t("BSN: ")
            .v("nl_bsn", Entity::NlBsn, Tier::Validated, &v::nl_bsn(rng)),
        // English: a US id and a UK id, so each of the four kinds gets enough labels.
        _ => {
            if rng.chance(0.5) {
                b.t("SSN: ")
                    .v("us_ssn", Entity::UsSsn, Tier::Structured, &v::us_ssn(rng));
            } else {
                b.t("ITIN: ").v(
                    "us_itin",
                    Entity::UsItin,
                    Tier::Structured,
                    &v::us_itin(rng),
                );
            }
            b.t("\n");
            if rng.chance(0.5) {
                b.t("National Insurance number: ").v(
                    "uk_nino",
                    Entity::UkNino,
                    Tier::Structured,
                    &v::uk_nino(rng),
                )
            } else {
                b.t("NHS number: ")
                    .v("uk_nhs", Entity::UkNhs, Tier::Validated, &v::uk_nhs(rng))
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Secret snippets (one line or block each, with a realistic key/context).
// ---------------------------------------------------------------------------------------------

fn secret_snippet(rng: &mut Rng, b: &mut Builder) {
    use Entity::*;
    use Tier::*;
    match rng.below(22) {
        0 | 1 => {
            b.t("export GITHUB_TOKEN=")
                .v("github_token", ApiKey, Validated, &v::github_token(rng))
        }
        2 => b.t("//registry.npmjs.org/:_authToken=").v(
            "npm_token",
            ApiKey,
            Validated,
            &v::npm_token(rng),
        ),
        3 => b.t("gh auth login --with-token <<< ").v(
            "github_fine_grained",
            ApiKey,
            Prefixed,
            &v::github_fine_grained(rng),
        ),
        4 => {
            b.t("[default]\naws_access_key_id = ").v(
                "aws_access_key_id",
                ApiKey,
                Prefixed,
                &v::aws_access_key_id(rng),
            );
            b.t("\naws_secret_access_key = ").v(
                "aws_secret_key",
                Password,
                Context,
                &v::aws_secret_key(rng),
            )
        }
        5 => b
            .t("SLACK_BOT_TOKEN=")
            .v("slack_token", ApiKey, Prefixed, &v::slack_token(rng)),
        6 => b.t("curl -X POST -d '{\"text\":\"deploy done\"}' ").v(
            "slack_webhook",
            ApiKey,
            Prefixed,
            &v::slack_webhook(rng),
        ),
        7 => b
            .t("stripe.api_key = \"")
            .v("stripe_key", ApiKey, Prefixed, &v::stripe_key(rng))
            .t("\""),
        8 => b
            .t("client = OpenAI(api_key=\"")
            .v("openai_key", ApiKey, Prefixed, &v::openai_key(rng))
            .t("\")"),
        9 => b
            .t("ANTHROPIC_API_KEY=")
            .v("anthropic_key", ApiKey, Prefixed, &v::anthropic_key(rng)),
        10 => b
            .t("https://maps.googleapis.com/maps/api/geocode/json?address=Lisbon&key=")
            .v("google_api_key", ApiKey, Prefixed, &v::google_api_key(rng)),
        11 => b
            .t("git remote set-url origin https://oauth2:")
            .v("gitlab_token", ApiKey, Prefixed, &v::gitlab_token(rng))
            .t("@gitlab.com/acme/api.git"),
        12 => b
            .t("SENDGRID_API_KEY=")
            .v("sendgrid_key", ApiKey, Prefixed, &v::sendgrid_key(rng)),
        13 => b.t("huggingface-cli login --token ").v(
            "huggingface_token",
            ApiKey,
            Prefixed,
            &v::huggingface_token(rng),
        ),
        14 => b
            .t("GROQ_API_KEY=")
            .v("groq_key", ApiKey, Prefixed, &v::groq_key(rng)),
        15 => b
            .t("curl -H \"Authorization: Bearer ")
            .v("jwt", Jwt, Prefixed, &v::jwt(rng))
            .t("\" https://api.internal/v1/me"),
        16 => b.t("ssh key I used:\n").v(
            "pem_private_key",
            PrivateKey,
            Prefixed,
            &v::pem_private_key(rng),
        ),
        17 => {
            let (pre, pw, post) = v::connection_uri(rng);
            b.t("DATABASE_URL=")
                .t(&pre)
                .v("connection_uri", ConnectionString, Context, &pw)
                .t(&post)
        }
        18 => b
            .t("DB_PASSWORD=")
            .v("password_assignment", Password, Context, &v::password(rng)),
        19 => b.t("api_key: ").v(
            "generic_api_key",
            GenericSecret,
            Context,
            &v::generic_secret(rng),
        ),
        20 => b
            .t("wallet: ")
            .v("eth_address", CryptoWallet, Validated, &v::eth_address(rng)),
        _ => {
            b.t("send the BTC to ")
                .v("btc_address", CryptoWallet, Validated, &v::btc_address(rng))
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Documents.
// ---------------------------------------------------------------------------------------------

fn chat(rng: &mut Rng, lang: &str, b: &mut Builder) {
    let i = li(lang);
    let (g, s) = person(rng, lang);
    b.t(INTRO[i])
        .v("person", Entity::Person, Tier::Natural, &format!("{g} {s}"))
        .t(". ");
    b.t(HELP[i]);
    b.t("```\n");
    for _ in 0..rng.range(1, 3) {
        secret_snippet(rng, b);
        b.t("\n");
    }
    b.t(&format!(
        "\nkubectl rollout restart deploy/{}\n",
        v::k8s_name(rng)
    ));
    b.t("```");
    b.t(AFTER[i]);
    if rng.chance(0.3) {
        b.t(&format!(
            " Image: {} (commit {}).",
            v::image_ref(rng),
            &v::git_sha(rng)[..12]
        ));
    }
}

fn chat_pii(rng: &mut Rng, lang: &str, b: &mut Builder) {
    let i = li(lang);
    let (g, s) = person(rng, lang);
    b.t(INTRO[i])
        .v("person", Entity::Person, Tier::Natural, &format!("{g} {s}"))
        .t(". ");
    match rng.below(4) {
        0 => b
            .t(CARD_CUE[i])
            .v(
                "credit_card",
                Entity::CreditCard,
                Tier::Validated,
                &v::credit_card(rng),
            )
            .t("."),
        1 => b
            .t(IBAN_CUE[i])
            .v("iban", Entity::IbanCode, Tier::Validated, &v::iban(rng))
            .t("."),
        2 => b
            .t(EMAIL_CUE[i])
            .v(
                "email",
                Entity::EmailAddress,
                Tier::Structured,
                &email(rng, &g, &s),
            )
            .t("."),
        _ => b.t(PHONE_CUE[i]).v(
            "phone",
            Entity::PhoneNumber,
            Tier::Structured,
            &phone(rng, lang),
        ),
    };
    b.t(&format!(
        "\nTicket {} — order {}.",
        v::uuid(rng),
        rng.digits(6)
    ));
}

fn ticket(rng: &mut Rng, lang: &str, b: &mut Builder) {
    let i = li(lang);
    let (ag, asur) = person(rng, lang);
    let (g, s) = person(rng, lang);
    let from = email(rng, &g, &s);
    b.t("From: ")
        .v("person", Entity::Person, Tier::Natural, &format!("{g} {s}"))
        .t(" <")
        .v("email", Entity::EmailAddress, Tier::Structured, &from)
        .t(">\n");
    b.t(&format!("Subject: #{} \n\n", rng.range(10000, 99999)));
    b.t(SALUTE[i])
        .v(
            "person",
            Entity::Person,
            Tier::Natural,
            &format!("{ag} {asur}"),
        )
        .t(",\n\n");
    b.t(IBAN_CUE[i])
        .v("iban", Entity::IbanCode, Tier::Validated, &v::iban(rng))
        .t(".\n");
    if rng.chance(0.5) {
        vat_id(rng, lang, b);
    }
    b.t(ADDR_CUE[i])
        .v(
            "address",
            Entity::Location,
            Tier::Natural,
            &address(rng, lang),
        )
        .t("\n");
    national_id(rng, lang, b);
    b.t("\n\n").t(CLOSING[i]).t("\n");
    b.v("person", Entity::Person, Tier::Natural, &format!("{g} {s}"))
        .t("\n");
    b.t(PHONE_CUE[i])
        .v(
            "phone",
            Entity::PhoneNumber,
            Tier::Structured,
            &phone(rng, lang),
        )
        .t("\n");
}

fn form(rng: &mut Rng, lang: &str, b: &mut Builder) {
    let i = li(lang);
    let (g, s) = person(rng, lang);
    let name_field = ["Name", "Nome", "Name", "Nom", "Nombre", "Nome", "Naam"][i];
    b.t(name_field)
        .t(": ")
        .v("person", Entity::Person, Tier::Natural, &format!("{g} {s}"))
        .t("\n");
    b.t(DOB_CUE[i])
        .v("dob", Entity::DateOfBirth, Tier::Natural, &dob(rng, lang))
        .t("\n");
    b.t(PASSPORT_CUE[i])
        .v(
            "passport",
            Entity::Passport,
            Tier::Natural,
            &passport(rng, lang),
        )
        .t("\n");
    national_id(rng, lang, b);
    b.t("\n");
    b.t(&format!("Submitted: {} from ", v::timestamp(rng)));
    b.v(
        "ip_address",
        Entity::IpAddress,
        Tier::Structured,
        &v::public_ipv4(rng),
    )
    .t("\n");
    b.t(&format!("Reference: {}\n", v::uuid(rng)));
}

fn app_log(rng: &mut Rng, _lang: &str, b: &mut Builder) {
    for _ in 0..rng.range(3, 6) {
        let ts = v::timestamp(rng);
        match rng.below(5) {
            0 => b.t(&format!(
                "{ts} INFO  request_id={} method=GET path=/api/v2/orders status=200 latency_ms={} upstream={}:8080\n",
                v::uuid(rng),
                rng.range(2, 900),
                v::private_ipv4(rng)
            )),
            1 => b.t(&format!(
                "{ts} DEBUG trace_id={} span_id={} build={} sha={}\n",
                rng.string(v::HEX, 32),
                rng.string(v::HEX, 16),
                v::semver(rng),
                v::git_sha(rng)
            )),
            2 => b.t(&format!("{ts} INFO  login ok client_ip=")).v("ip_address", Entity::IpAddress, Tier::Structured, &v::public_ipv4(rng)).t(" user=").v("email", Entity::EmailAddress, Tier::Structured, &{
                let (g, s) = person(rng, "en");
                email(rng, &g, &s)
            }).t("\n"),
            3 => b.t(&format!("{ts} WARN  dhcp lease renewed hwaddr=")).v("mac_address", Entity::MacAddress, Tier::Structured, &v::mac_address(rng)).t(&format!(" iface=eth{}\n", rng.below(3))),
            _ => b.t(&format!("{ts} ERROR upstream call failed: ")).t("Authorization: Bearer ").v("jwt", Entity::Jwt, Tier::Prefixed, &v::jwt(rng)).t(" rejected (401)\n"),
        };
    }
}

fn k8s_secret(rng: &mut Rng, _lang: &str, b: &mut Builder) {
    b.t(&format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {}\n  namespace: prod\n  uid: {}\n  resourceVersion: \"{}\"\ntype: Opaque\ndata:\n",
        v::k8s_name(rng),
        v::uuid(rng),
        rng.range(100000, 9999999)
    ));
    b.t("  DB_PASSWORD: ")
        .v(
            "k8s_secret_data",
            Entity::Password,
            Tier::Context,
            &v::b64(&v::password(rng)),
        )
        .t("\n");
    b.t("  API_TOKEN: ")
        .v(
            "k8s_secret_data",
            Entity::Password,
            Tier::Context,
            &v::b64(&v::generic_secret(rng)),
        )
        .t("\n");
    b.t("stringData:\n  REDIS_PASSWORD: ")
        .v(
            "k8s_secret_stringdata",
            Entity::Password,
            Tier::Context,
            &v::password(rng),
        )
        .t("\n");
    b.t(&format!(
        "  PLACEHOLDER_TOKEN: \"{}\"\n",
        v::placeholder(rng)
    ));
}

fn k8s_deployment(rng: &mut Rng, _lang: &str, b: &mut Builder) {
    b.t(&format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {}\n  labels:\n    app.kubernetes.io/version: \"{}\"\nspec:\n  replicas: {}\n  template:\n    spec:\n      containers:\n        - name: api\n          image: {}\n          ports:\n            - containerPort: {}\n          env:\n            - name: LOG_LEVEL\n              value: info\n            - name: DB_PASSWORD\n              value: \"",
        v::k8s_name(rng),
        v::semver(rng),
        rng.range(1, 6),
        v::image_ref(rng),
        rng.pick(&[8080, 3000, 9090, 5432])
    ));
    b.v(
        "k8s_env_password",
        Entity::Password,
        Tier::Context,
        &v::password(rng),
    )
    .t("\"\n");
    b.t("            - name: STRIPE_KEY\n              valueFrom:\n                secretKeyRef:\n                  name: stripe\n                  key: api-key\n");
    b.t("            - name: OPENAI_API_KEY\n              value: ")
        .v(
            "openai_key",
            Entity::ApiKey,
            Tier::Prefixed,
            &v::openai_key(rng),
        )
        .t("\n");
}

fn dotenv(rng: &mut Rng, _lang: &str, b: &mut Builder) {
    b.t(&format!(
        "# generated {}\nNODE_ENV=production\nPORT={}\n",
        v::timestamp(rng),
        rng.pick(&[3000, 8080])
    ));
    b.t("POSTGRES_PASSWORD=")
        .v(
            "password_assignment",
            Entity::Password,
            Tier::Context,
            &v::password(rng),
        )
        .t("\n");
    b.t(&format!("REDIS_PASSWORD={}\n", v::placeholder(rng)));
    b.t("STRIPE_SECRET_KEY=")
        .v(
            "stripe_key",
            Entity::ApiKey,
            Tier::Prefixed,
            &v::stripe_key(rng),
        )
        .t("\n");
    b.t("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n");
    b.t(&format!(
        "SESSION_ID={}\nRELEASE_SHA={}\n",
        v::uuid(rng),
        v::git_sha(rng)
    ));
    for _ in 0..rng.range(2, 3) {
        secret_snippet(rng, b);
        b.t("\n");
    }
}

fn terraform(rng: &mut Rng, _lang: &str, b: &mut Builder) {
    b.t("provider \"aws\" {\n  region     = \"eu-west-1\"\n  access_key = \"");
    b.v(
        "aws_access_key_id",
        Entity::ApiKey,
        Tier::Prefixed,
        &v::aws_access_key_id(rng),
    )
    .t("\"\n  secret_key = \"");
    b.v(
        "aws_secret_key",
        Entity::Password,
        Tier::Context,
        &v::aws_secret_key(rng),
    )
    .t("\"\n}\n\n");
    b.t(&format!(
        "resource \"aws_db_instance\" \"main\" {{\n  identifier     = \"{}\"\n  engine_version = \"{}\"\n  username       = \"app\"\n  password       = \"",
        v::k8s_name(rng),
        v::semver(rng)
    ));
    b.v(
        "terraform_password",
        Entity::Password,
        Tier::Context,
        &v::password(rng),
    )
    .t("\"\n");
    b.t("  kms_key_id     = var.kms_key_id\n}\n");
}

fn curl(rng: &mut Rng, _lang: &str, b: &mut Builder) {
    match rng.below(3) {
        0 => {
            let token = mixed_b64url(rng);
            b.t("curl -sS https://api.acme-corp.io/v1/invoices -H 'Authorization: Bearer ")
                .v("bearer_token", Entity::AuthHeader, Tier::Context, &token)
                .t("' -H 'Accept: application/json'\n");
        }
        1 => {
            let user = *rng.pick(&["deploy", "ci-bot", "admin"]);
            b.t(&format!("curl -u {user}:"))
                .v(
                    "basic_auth_password",
                    Entity::Password,
                    Tier::Context,
                    &v::password(rng),
                )
                .t(" https://jenkins.acme-corp.io/job/build/api/json\n");
        }
        _ => {
            let cred = v::b64(&format!("svc:{}", v::password(rng)));
            b.t("curl https://registry.acme-corp.io/v2/_catalog -H \"Authorization: Basic ")
                .v(
                    "basic_auth_header",
                    Entity::AuthHeader,
                    Tier::Context,
                    &cred,
                )
                .t("\"\n");
        }
    }
    b.t(&format!("# request-id: {}\n", v::uuid(rng)));
}

fn mixed_b64url(rng: &mut Rng) -> String {
    let n = rng.range(32, 48);
    v::mixed(rng, v::B64URL, n)
}

fn stack_trace(rng: &mut Rng, _lang: &str, b: &mut Builder) {
    let (pre, pw, post) = v::connection_uri(rng);
    b.t("Traceback (most recent call last):\n  File \"/app/db.py\", line 42, in connect\n    conn = psycopg.connect(dsn)\n");
    b.t("psycopg.OperationalError: connection failed for dsn=")
        .t(&pre)
        .v(
            "connection_uri",
            Entity::ConnectionString,
            Tier::Context,
            &pw,
        )
        .t(&post)
        .t("\n");
    b.t(&format!(
        "  at com.acme.orders.Repository.find(Repository.java:{})\n  at io.netty.channel.AbstractChannel.invoke(AbstractChannel.java:{})\n",
        rng.range(10, 900),
        rng.range(10, 900)
    ));
    b.t(&format!(
        "Caused by: java.net.ConnectException: Connection refused: {}:5432 (pid {})\n",
        v::private_ipv4(rng),
        rng.range(100, 65000)
    ));
}

fn json_config(rng: &mut Rng, _lang: &str, b: &mut Builder) {
    b.t(&format!(
        "{{\n  \"service\": \"{}\",\n  \"version\": \"{}\",\n  \"listen\": \"0.0.0.0:{}\",\n",
        v::k8s_name(rng),
        v::semver(rng),
        rng.pick(&[8080, 9000])
    ));
    b.t("  \"database\": {\n    \"host\": \"db.internal\",\n    \"user\": \"orders\",\n    \"password\": \"").v("json_password", Entity::Password, Tier::Context, &v::password(rng)).t("\"\n  },\n");
    b.t("  \"anthropic\": { \"api_key\": \"")
        .v(
            "anthropic_key",
            Entity::ApiKey,
            Tier::Prefixed,
            &v::anthropic_key(rng),
        )
        .t("\" },\n");
    b.t(&format!(
        "  \"webhook_secret\": \"{}\",\n",
        v::placeholder(rng)
    ));
    b.t(&format!(
        "  \"checksum\": \"sha256:{}\",\n  \"logo\": \"data:image/png;base64,{}\"\n}}\n",
        v::sha256_hex(rng),
        v::harmless_b64(rng)
    ));
}

fn kubeconfig(rng: &mut Rng, _lang: &str, b: &mut Builder) {
    let cluster = v::k8s_name(rng);
    b.t(&format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://{}:6443\n  name: {cluster}\ncontexts:\n- context:\n    cluster: {cluster}\n    user: admin\n  name: {cluster}\ncurrent-context: {cluster}\nusers:\n- name: admin\n  user:\n",
        v::private_ipv4(rng)
    ));
    if rng.chance(0.5) {
        b.t("    token: ")
            .v("jwt", Entity::Jwt, Tier::Prefixed, &v::jwt(rng))
            .t("\n");
    } else {
        b.t("    client-key-data: ")
            .v(
                "kubeconfig_client_key",
                Entity::PrivateKey,
                Tier::Context,
                &v::b64(&v::pem_private_key(rng)),
            )
            .t("\n");
    }
}

fn docker_config(rng: &mut Rng, _lang: &str, b: &mut Builder) {
    let auth = v::b64(&format!(
        "{}:{}",
        rng.pick(&["ci", "deploy", "robot$acme"]),
        v::password(rng)
    ));
    b.t("{\n  \"auths\": {\n    \"ghcr.io\": {\n      \"auth\": \"")
        .v("docker_auth", Entity::Password, Tier::Context, &auth)
        .t("\"\n    }\n  },\n");
    b.t(&format!(
        "  \"credHelpers\": {{ \"{}.dkr.ecr.eu-west-1.amazonaws.com\": \"ecr-login\" }}\n}}\n",
        rng.digits(12)
    ));
}

/// Hard negatives only: nothing here may be reported.
fn clean(rng: &mut Rng, lang: &str, b: &mut Builder) {
    let i = li(lang);
    b.t(HELP[i]);
    b.t(&format!(
        "image: {}\nimage: {}\ncommit {}\nrequest {} at {}\nlistening on {}:{} and 127.0.0.1:{}\n",
        v::image_ref(rng),
        v::image_ref(rng),
        v::git_sha(rng),
        v::uuid(rng),
        v::timestamp(rng),
        v::private_ipv4(rng),
        rng.pick(&[8080, 443, 5432]),
        rng.pick(&[9090, 6379])
    ));
    b.t(&format!(
        "docs example key: AKIAIOSFODNN7EXAMPLE\npassword: {}\napi_key = \"{}\"\n",
        v::placeholder(rng),
        v::placeholder(rng)
    ));
    b.t(&format!(
        "DATABASE_URL=postgres://app:${{DB_PASSWORD}}@db:5432/app\nchecksum: sha256:{}\n",
        v::sha256_hex(rng)
    ));
    b.t(&format!(
        "order number {} (not a card), build {} on node {}\n",
        v::card_bad_luhn(rng),
        v::semver(rng),
        v::k8s_name(rng)
    ));
    b.t(&format!(
        "settings blob: {}\nversion 1.2.3.4 released; see RFC 7231 section 6.5.1\n",
        v::harmless_b64(rng)
    ));
    b.t(&format!(
        "gateway 192.0.2.{} doc range, pod {}\n",
        rng.range(1, 254),
        v::private_ipv4(rng)
    ));
    b.t(AFTER[i]);
}

/// More hard negatives: look-alikes that fail validation, public material, tool names,
/// non-birth dates, ids next to secret-ish words. Nothing here may be reported.
fn clean_ops(rng: &mut Rng, lang: &str, b: &mut Builder) {
    let i = li(lang);
    let bad_iban = {
        let good = v::iban(rng).replace(' ', "");
        let check: u32 = good[2..4].parse().unwrap();
        format!("{}{:02}{}", &good[..2], (check + 1) % 97 + 2, &good[4..])
    };
    let bad_nif = {
        let good = v::pt_nif(rng);
        let last = good.as_bytes()[8] - b'0';
        format!("{}{}", &good[..8], (last + 1) % 10)
    };
    b.t(SALUTE[i]).t("team,\n\n");
    b.t("Jenkins job failed again; Kafka consumer lag is 1200 and Ansible retried twice.\n");
    b.t(&format!(
        "Deployed on {:02}/{:02}/2024, certificate expires 2026-01-31, epoch {}.\n",
        rng.range(1, 28),
        rng.range(1, 12),
        1_700_000_000 + rng.below(9_000_000)
    ));
    b.t(&format!(
        "pid {} port {} order #{} md5 {} oid 1.3.6.1.4.1.311.{}\n",
        rng.range(1000, 99999),
        rng.pick(&[5432, 6379, 8443]),
        rng.digits(8),
        rng.string(v::HEX, 32),
        rng.below(100)
    ));
    b.t("assets: icon@2x.png logo@3x.webp, clone git@github.com:acme/api.git, mail noreply@example.com\n");
    b.t(&format!(
        "\"integrity\": \"sha512-{}==\"\n",
        v::mixed(rng, v::B64, 86)
    ));
    b.t(&format!(
        "key_id: {}\ntoken_ttl: 3600\npassword_policy: strong\n",
        v::uuid(rng)
    ));
    b.t(&format!(
        "public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{} deploy@ci\n",
        v::mixed(rng, v::B64, 43)
    ));
    b.t("Authorization: Bearer $TOKEN\nAuthorization: Bearer <token>\n");
    // nginx access log: `status bytes` pairs that parse as IT mobiles (`304 180158`) and
    // browser versions shaped like global IPv4 addresses (`Chrome/120.0.0.0`). Fixed per
    // language (no draws: the rest of the corpus stays as it was).
    let bytes = [
        "180158", "247385", "234777", "228834", "205502", "192590", "187420",
    ];
    b.t(&format!(
        "10.20.{i}.7 - - [12/Mar/2024:10:22:33 +0000] \"GET /static/js/app.min.js HTTP/1.1\" 304 {} \"-\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\" rt=0.004\n",
        bytes[i]
    ));
    b.t(&format!(
        "10.20.{i}.8 - - [12/Mar/2024:10:22:34 +0000] \"GET /api/v1/items HTTP/1.1\" 200 113214 \"https://shop.example.com/\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.0.0\"\n10.20.{i}.9 - - [12/Mar/2024:10:22:35 +0000] \"GET /healthz HTTP/1.1\" 304 {} \"-\" \"kube-probe/1.28\"\n",
        bytes[(i + 3) % 7]
    ));
    b.t(&format!(
        "docs example (checksum fails): {}\n",
        v::github_token_bad_crc(rng)
    ));
    b.t(&format!(
        "IBAN {bad_iban} was rejected (bad check digits); NIF {bad_nif} is invalid.\n"
    ));
    b.t("-----BEGIN CERTIFICATE-----\n");
    let der = v::b64(&v::mixed(rng, v::ALNUM, 300));
    for chunk in der.as_bytes().chunks(64) {
        b.t(std::str::from_utf8(chunk).unwrap()).t("\n");
    }
    b.t("-----END CERTIFICATE-----\n");
    b.t(CLOSING[i]).t("\nThe Platform Team\n");
}

const HONORIFIC: [&[&str]; 7] = [
    &["Mr.", "Mrs.", "Ms.", "Dr."],
    &["Sr.", "Sra.", "Dr.", "Dra."],
    &["Herr", "Frau", "Dr."],
    &["M.", "Mme", "Dr"],
    &["Sr.", "Sra.", "Dr."],
    &["Sig.", "Sig.ra", "Dott."],
    &["dhr.", "mevr.", "Dr."],
];

const MONTHS: [&[&str]; 7] = [
    &[
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    &[
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
    &[
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    &[
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    &[
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    &[
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    &[
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
];

/// Worded date of birth in the language's usual order.
fn dob_worded(rng: &mut Rng, lang: &str) -> String {
    let (d, m, y) = (rng.range(1, 28), rng.below(12), rng.range(1950, 2004));
    let month = MONTHS[li(lang)][m];
    match lang {
        "en" => format!("{month} {d}, {y}"),
        "pt" | "es" => format!("{d} de {month} de {y}"),
        "de" => format!("{d}. {month} {y}"),
        _ => format!("{d} {month} {y}"),
    }
}

/// A national-format mobile number (no `+`), valid per libphonenumber.
fn phone_national(rng: &mut Rng, lang: &str) -> String {
    use phonenumber::country::Id;
    for _ in 0..200 {
        let (id, s) = match lang {
            "pt" => (
                Id::PT,
                format!(
                    "9{}{} {} {}",
                    rng.pick(&["1", "2", "3", "6"]),
                    rng.digits(1),
                    rng.digits(3),
                    rng.digits(3)
                ),
            ),
            "de" => (
                Id::DE,
                format!("015{} {}", rng.pick(&["1", "2", "7"]), rng.digits(8)),
            ),
            "fr" => (
                Id::FR,
                format!(
                    "06 {} {} {} {}",
                    rng.digits(2),
                    rng.digits(2),
                    rng.digits(2),
                    rng.digits(2)
                ),
            ),
            "es" => (
                Id::ES,
                format!("6{} {} {}", rng.digits(2), rng.digits(3), rng.digits(3)),
            ),
            "it" => (
                Id::IT,
                format!(
                    "3{} {} {}",
                    rng.pick(&["20", "33", "47", "91"]),
                    rng.digits(3),
                    rng.digits(4)
                ),
            ),
            "nl" => (Id::NL, format!("06-{}", rng.digits(8))),
            _ => (
                Id::GB,
                format!("07{} {}", rng.range(400, 999), rng.digits(6)),
            ),
        };
        if let Ok(n) = phonenumber::parse(Some(id), &s) {
            if phonenumber::is_valid(&n) {
                return s;
            }
        }
    }
    panic!("no valid national {lang} phone number in 200 attempts: fix the pattern");
}

const BORN: [&str; 7] = [
    "she was born on ",
    "nasceu a ",
    "sie wurde am ",
    "elle est née le ",
    "nació el ",
    "è nata il ",
    "zij is geboren op ",
];
const BORN_AFTER: [&str; 7] = ["", "", " geboren", "", "", "", ""];
const ABOUT: [&str; 7] = [
    "I need to update the file of ",
    "Preciso de atualizar a ficha do ",
    "Ich muss die Akte von ",
    "Je dois mettre à jour le dossier de ",
    "Necesito actualizar la ficha de ",
    "Devo aggiornare la scheda di ",
    "Ik moet het dossier bijwerken van ",
];
const CALL: [&str; 7] = [
    "Call her on ",
    "Liga-lhe para o ",
    "Ruf sie unter ",
    "Appelle-la au ",
    "Llámala al ",
    "Chiamala al ",
    "Bel haar op ",
];

/// Free prose: honorific + name, a worded birth date behind a verb cue, a national phone.
fn prose(rng: &mut Rng, lang: &str, b: &mut Builder) {
    let i = li(lang);
    let (g, s) = person(rng, lang);
    let hon = HONORIFIC[i][rng.below(HONORIFIC[i].len())];
    b.t(ABOUT[i]).t(hon).t(" ");
    b.v(
        "person_honorific",
        Entity::Person,
        Tier::Natural,
        &format!("{g} {s}"),
    );
    b.t(if lang == "de" {
        " aktualisieren: "
    } else {
        ": "
    });
    b.t(BORN[i])
        .v(
            "dob_worded",
            Entity::DateOfBirth,
            Tier::Natural,
            &dob_worded(rng, lang),
        )
        .t(BORN_AFTER[i])
        .t(". ");
    b.t(CALL[i]).v(
        "phone_national",
        Entity::PhoneNumber,
        Tier::Structured,
        &phone_national(rng, lang),
    );
    if lang == "de" {
        b.t(" an");
    }
    b.t(&format!(
        ". Ticket {} opened {}.",
        rng.range(1000, 99999),
        v::timestamp(rng)
    ));
}
