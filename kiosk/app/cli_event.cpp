// `kiosk event`: show or set the event itself — name, venue, dates, door times, language. An
// organiser's import brings the people; this brings what the screens, badges and the door
// times need. Thin over Database::event / setEvent.
#include "commands.hpp"

#include <kiosk/core.hpp>
#include <kiosk/core/payload.hpp>
#include <kiosk/printing/badge.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

namespace kiosk::app {

namespace {

using kiosk::core::Database;
using kiosk::core::TimePoint;

struct EventOptions {
    std::string db;
    std::optional<std::string> id, name, venue, city, starts, ends, doorsOpen, doorsClose, language, reentry;
    std::optional<std::string> shortName, tagline, colour, accentColour;
    std::optional<std::string> logo;  // file: PNG or JPEG; "" removes the logo
    std::optional<int> retentionDays;
    // A badge per kind: KIND=VALUE, KIND a category or "ticket:TYPE".
    std::vector<std::string> badgeFor, bandColour, role, noBadgeFor;
    std::optional<std::string> pretixKeys;  // file: pretix's event JSON or a PEM
    bool clearPretixKeys = false;
    bool json = false;
};

void fail(CommandContext& ctx, const std::string& message) {
    std::fprintf(stderr, "kiosk event: %s\n", message.c_str());
    ctx.exitCode = 2;
}

/// "2026-03-16T08:30:00Z", "2026-03-16T09:30+01:00", or local wall-clock time
/// "2026-03-16 09:30" / "2026-03-16T09:30" (this machine's time zone: the kiosk's own).
std::optional<TimePoint> parseWhen(const std::string& s) {
    std::tm tm{};
    int consumed = 0;
    // Without a zone: the wall clock here. With Z or an offset: ISO 8601.
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[ T]%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &consumed) != 5 ||
        static_cast<std::size_t>(consumed) != s.size())
        return core::parseIso8601(s);
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;  // the time zone's rules decide (CET or CEST)
    const std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1)) return std::nullopt;
    return TimePoint{std::chrono::milliseconds{static_cast<int64_t>(t) * 1000}};
}

std::string localText(TimePoint t) {
    if (t == TimePoint{}) return "not set";
    const std::time_t secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    std::tm tm{};
    localtime_r(&secs, &tm);
    char buf[48];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %Z", &tm);
    return buf;
}

/// An id for a new event from its name: accents folded, ASCII letters and digits, dashes, at
/// most 40 characters ("Assemblée 2026 — Bruxelles" → "assemblee-2026-bruxelles"). It is carried
/// in our QR codes.
std::string slug(const std::string& name) {
    std::string out;
    for (unsigned char c : core::foldForSearch(name)) {
        if (std::isalnum(c) && c < 0x80) {
            out += static_cast<char>(std::tolower(c));
        } else if (!out.empty() && out.back() != '-') {
            out += '-';
        }
        if (out.size() >= 40) break;
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
}

nlohmann::json toJson(const core::Event& e) {
    auto when = [](TimePoint t) {
        return t == TimePoint{} ? nlohmann::json() : nlohmann::json(core::formatIso8601(t));
    };
    return {{"id", e.id},
            {"name", e.name},
            {"venue", e.venue},
            {"city", e.city},
            {"starts_at", when(e.startsAt)},
            {"ends_at", when(e.endsAt)},
            {"doors_open_at", when(e.doorsOpenAt)},
            {"doors_close_at", when(e.doorsCloseAt)},
            {"language", std::string(core::languageCode(e.defaultLanguage))},
            {"short_name", e.shortName},
            {"tagline", e.tagline},
            {"colour", e.colour},
            {"accent_colour", e.accentColour},
            {"retention_days", e.retentionDays},
            {"retention_until", core::retentionUntil(e)
                                    ? nlohmann::json(core::formatIso8601(*core::retentionUntil(e)))
                                    : nlohmann::json()},
            {"reentry", e.reentryAllowed ? "allowed" : "refused"}};
}

/// "speaker" -> category speaker; "ticket:Keynote" -> ticket type Keynote.
core::BadgeRuleChange ruleKey(const std::string& kind) {
    core::BadgeRuleChange ch;
    static const std::string kTicket = "ticket:";
    if (kind.rfind(kTicket, 0) == 0) {
        ch.match = core::BadgeMatch::TicketType;
        ch.value = kind.substr(kTicket.size());
    } else {
        ch.match = core::BadgeMatch::Category;
        ch.value = kind;
    }
    return ch;
}

/// --badge-for/--band-colour/--role KIND=VALUE and --no-badge-for KIND, in one transaction.
/// A template is loaded before it is stored: a typo would otherwise hold badges on the day.
std::string applyBadgeRules(const EventOptions& o, Database& db) {
    std::vector<core::BadgeRuleChange> changes;
    for (const auto& kind : o.noBadgeFor) {
        auto ch = ruleKey(kind);
        ch.remove = true;
        changes.push_back(std::move(ch));
    }
    struct Part {
        const std::vector<std::string>& args;
        const char* flag;
        std::optional<std::string> core::BadgeRuleChange::*field;
    };
    for (const Part& p : {Part{o.badgeFor, "--badge-for", &core::BadgeRuleChange::templateName},
                          Part{o.bandColour, "--band-colour", &core::BadgeRuleChange::colour},
                          Part{o.role, "--role", &core::BadgeRuleChange::role}}) {
        for (const auto& arg : p.args) {
            const auto eq = arg.find('=');
            if (eq == std::string::npos || eq == 0)
                return std::string(p.flag) + " '" + arg +
                       "': give KIND=VALUE, KIND a category (speaker) or ticket:TYPE (ticket:Keynote)";
            auto ch = ruleKey(arg.substr(0, eq));
            ch.*(p.field) = arg.substr(eq + 1);
            if (p.field == &core::BadgeRuleChange::templateName && !arg.substr(eq + 1).empty())
                if (auto t = printing::loadTemplate(arg.substr(eq + 1)); !t)
                    return std::string(p.flag) + " '" + arg + "': " + t.error().message + " [" +
                           t.error().code + "]";
            changes.push_back(std::move(ch));
        }
    }
    if (changes.empty()) return {};
    if (auto st = db.changeBadgeRules(changes, "cli", core::nowUtc()); !st)
        return st.error().message + " [" + st.error().code + "]";
    return {};
}

std::string ruleKind(const core::BadgeRule& r) {
    return (r.match == core::BadgeMatch::TicketType ? "ticket:" : "") + r.value;
}

/// --logo FILE: checked as a badge would draw it before it is stored ("" removes it).
std::string applyLogo(const EventOptions& o, Database& db) {
    if (!o.logo) return {};
    std::string bytes;
    if (!o.logo->empty()) {
        // The size first: a wrong file (a video, a disk image) is refused before it is read.
        std::error_code ec;
        const auto size = std::filesystem::file_size(*o.logo, ec);
        if (ec) return "--logo " + *o.logo + ": " + ec.message() + " [io.open]";
        if (size > Database::kMaxLogoBytes)
            return "--logo " + *o.logo + ": " + std::to_string(size / 1024) +
                   " KiB is too large (at most 2048 KiB; 600 × 600 pixels is plenty for a badge) "
                   "[event.bad_logo]";
        std::ifstream in(*o.logo, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) return "--logo " + *o.logo + ": cannot read the file [io.read]";
        if (auto st = printing::checkLogo(bytes); !st)
            return "--logo " + *o.logo + ": " + st.error().message + " [" + st.error().code + "]";
    }
    if (auto st = db.setEventLogo(bytes, "cli", core::nowUtc()); !st)
        return "--logo: " + st.error().message + " [" + st.error().code + "]";
    return {};
}

/// --clear-pretix-keys, then --pretix-keys FILE: added to the keys already loaded (a rotation
/// keeps the old key valid until pretix drops it). Empty message = done.
std::string applyPretixKeys(const EventOptions& o, Database& db) {
    const auto now = core::nowUtc();
    if (o.clearPretixKeys)
        if (auto s = db.clearPretixKeys("cli", now); !s)
            return s.error().message + " [" + s.error().code + "]";
    if (!o.pretixKeys) return {};
    auto text = core::readExportFile(*o.pretixKeys);
    if (!text) return text.error().message + " [" + text.error().code + "]";
    auto keys = core::parsePretixKeyFile(*text);
    if (!keys)
        return "--pretix-keys " + *o.pretixKeys + ": " + keys.error().message + " [" + keys.error().code +
               "]";
    auto added = db.addPretixKeys(*keys, *o.pretixKeys, "cli", now);
    if (!added) return added.error().message + " [" + added.error().code + "]";
    if (!o.json)
        std::printf("pretix keys: %d new of %zu in %s\n", *added, keys->size(), o.pretixKeys->c_str());
    return {};
}

void runEvent(const EventOptions& o, CommandContext& ctx) {
    const bool changing = o.id || o.name || o.venue || o.city || o.starts || o.ends || o.doorsOpen ||
                          o.doorsClose || o.language || o.shortName || o.tagline || o.colour ||
                          o.accentColour || o.retentionDays || o.reentry;
    const bool keysChange = o.pretixKeys || o.clearPretixKeys;
    auto db = Database::open(o.db, changing ? Database::Mode::CreateIfMissing : Database::Mode::OpenExisting);
    if (!db) return fail(ctx, db.error().message + " [" + db.error().code + "]");
    auto current = db->event();
    if (!current) return fail(ctx, current.error().message);

    core::Event e = current->value_or(core::Event{});
    if (changing) {
        if (!current->has_value()) {
            if (!o.name && !o.id) return fail(ctx, "a new event needs --name (and, if you like, --id)");
            e.id = o.id ? *o.id : slug(*o.name);
            if (e.id.empty())
                return fail(ctx, "cannot make an id from that name: give --id (letters, digits, dashes)");
        } else if (o.id && *o.id != e.id) {
            return fail(ctx, "this database belongs to event '" + e.id +
                                 "' and its QR codes carry that id; use a new database file for '" + *o.id +
                                 "'");
        }
        if (o.name) e.name = *o.name;
        if (o.venue) e.venue = *o.venue;
        if (o.city) e.city = *o.city;
        if (o.shortName) e.shortName = *o.shortName;
        if (o.tagline) e.tagline = *o.tagline;
        if (o.colour) e.colour = *o.colour;
        if (o.accentColour) e.accentColour = *o.accentColour;
        struct TimeOption {
            const std::optional<std::string>& text;
            TimePoint& field;
            const char* flag;
        };
        for (const TimeOption& t :
             {TimeOption{o.starts, e.startsAt, "--starts"}, TimeOption{o.ends, e.endsAt, "--ends"},
              TimeOption{o.doorsOpen, e.doorsOpenAt, "--doors-open"},
              TimeOption{o.doorsClose, e.doorsCloseAt, "--doors-close"}}) {
            if (!t.text) continue;
            if (t.text->empty()) {
                t.field = TimePoint{};  // "" clears: no limit
                continue;
            }
            auto when = parseWhen(*t.text);
            if (!when)
                return fail(ctx, std::string(t.flag) + " '" + *t.text +
                                     "': give a time like 2026-03-16T08:30+01:00, 2026-03-16T07:30:00Z or "
                                     "'2026-03-16 08:30' (this machine's time zone)");
            t.field = *when;
        }
        if (o.language) {
            auto l = core::languageFromCode(*o.language);
            if (!l) return fail(ctx, "--language '" + *o.language + "': fr, nl or en");
            e.defaultLanguage = *l;
        }
        if (o.retentionDays) {
            if (*o.retentionDays < 0 || *o.retentionDays > 36500)
                return fail(ctx, "--retention-days: 0 to 36500 days after the event's end");
            e.retentionDays = *o.retentionDays;
        }
        if (o.reentry) {
            if (*o.reentry != "allowed" && *o.reentry != "refused")
                return fail(ctx, "--reentry '" + *o.reentry + "': allowed or refused");
            e.reentryAllowed = *o.reentry == "allowed";
        }
        if (e.startsAt != TimePoint{} && e.endsAt != TimePoint{} && e.endsAt < e.startsAt)
            return fail(ctx, "the event ends before it starts: check --starts and --ends");
        if (e.doorsOpenAt != TimePoint{} && e.doorsCloseAt != TimePoint{} && e.doorsCloseAt <= e.doorsOpenAt)
            return fail(ctx, "the doors close before they open: check --doors-open and --doors-close");
        if (auto s = db->setEvent(e); !s) return fail(ctx, s.error().message + " [" + s.error().code + "]");
    } else if (!current->has_value()) {
        return fail(ctx, o.db + " has no event yet: set one with kiosk event --db " + o.db + " --name \"…\"");
    }
    if (auto problem = applyLogo(o, *db); !problem.empty()) return fail(ctx, problem);
    if (auto problem = applyBadgeRules(o, *db); !problem.empty()) return fail(ctx, problem);
    auto rules = db->badgeRules();
    if (!rules) return fail(ctx, rules.error().message);
    auto logo = db->eventLogo();
    if (!logo) return fail(ctx, logo.error().message);
    if (changing || o.logo) e = db->event().value().value_or(e);  // as stored (colours lower-cased)
    if (keysChange)
        if (auto problem = applyPretixKeys(o, *db); !problem.empty()) return fail(ctx, problem);
    auto pretixKeys = db->pretixKeys();
    if (!pretixKeys) return fail(ctx, pretixKeys.error().message);

    if (o.json) {
        auto j = toJson(e);
        j["logo_bytes"] = logo->size();
        j["badge_rules"] = nlohmann::json::array();
        for (const auto& r : *rules)
            j["badge_rules"].push_back({{"match", std::string(core::badgeMatchName(r.match))},
                                        {"value", r.value},
                                        {"template", r.templateName},
                                        {"band_colour", r.colour},
                                        {"role", r.role}});
        j["pretix_keys"] = nlohmann::json::array();
        for (const auto& k : *pretixKeys)
            j["pretix_keys"].push_back({{"fingerprint", k.fingerprint},
                                        {"source", k.source},
                                        {"added_at", core::formatIso8601(k.addedAt)}});
        std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        return;
    }
    std::printf("event        %s\nname         %s\nvenue        %s\ncity         %s\n", e.id.c_str(),
                e.name.c_str(), e.venue.c_str(), e.city.c_str());
    std::printf("starts       %s\nends         %s\n", localText(e.startsAt).c_str(),
                localText(e.endsAt).c_str());
    std::printf("doors open   %s\ndoors close  %s%s\n", localText(e.doorsOpenAt).c_str(),
                localText(e.doorsCloseAt).c_str(),
                e.doorsOpenAt == TimePoint{} && e.doorsCloseAt == TimePoint{}
                    ? "  (scans accepted at any time)"
                    : "");
    std::printf("language     %s\n", std::string(core::languageCode(e.defaultLanguage)).c_str());
    auto orNone = [](const std::string& v, const char* none) { return v.empty() ? std::string(none) : v; };
    std::printf("short name   %s\ntagline      %s\n", orNone(e.shortName, "(the name)").c_str(),
                orNone(e.tagline, "none").c_str());
    std::printf("colours      %s, accent %s\n", orNone(e.colour, "the template's").c_str(),
                orNone(e.accentColour, "the template's").c_str());
    const auto until = core::retentionUntil(e);
    std::printf("personal data kept %d days after the end: %s%s\n", e.retentionDays,
                until ? localText(*until).c_str() : "no date (set --ends)",
                until && *until <= core::nowUtc() ? "  (passed: run kiosk purge)" : "");
    std::printf("logo         %s\n",
                logo->empty() ? "none" : (std::to_string((logo->size() + 1023) / 1024) + " KiB").c_str());
    std::printf("re-entry     %s\n", e.reentryAllowed
                                         ? "allowed (a second scan says \"welcome back\" and is logged)"
                                         : "refused (a second scan goes to the help desk)");
    if (rules->empty())
        std::printf("badges       the same for everyone (--badge-for KIND=TEMPLATE for one per kind)\n");
    for (std::size_t i = 0; i < rules->size(); ++i) {
        const auto& r = (*rules)[i];
        std::string what;
        if (!r.templateName.empty()) what += "template " + r.templateName;
        if (!r.colour.empty()) what += (what.empty() ? "" : ", ") + std::string("band ") + r.colour;
        if (!r.role.empty()) what += (what.empty() ? "" : ", ") + std::string("role \"") + r.role + "\"";
        std::printf("%s  %s: %s\n", i == 0 ? "badges     " : "           ", ruleKind(r).c_str(),
                    what.c_str());
    }
    if (pretixKeys->empty())
        std::printf("pretix keys  none (signed pretix tickets resolve only if the import carries them)\n");
    for (std::size_t i = 0; i < pretixKeys->size(); ++i)
        std::printf("%s  %s  added %s from %s\n", i == 0 ? "pretix keys " : "            ",
                    (*pretixKeys)[i].fingerprint.c_str(), localText((*pretixKeys)[i].addedAt).c_str(),
                    (*pretixKeys)[i].source.c_str());
}

}  // namespace

void registerEventCommand(CLI::App& app, CommandContext& ctx) {
    auto o = std::make_shared<EventOptions>();
    auto* ev =
        app.add_subcommand("event",
                           "Show or set the event: name, venue, dates, door times (scans outside them are "
                           "refused as not open yet / closed), screen language");
    ev->add_option("--db", o->db, "Event database (created if you set an event on a new file)")->required();
    ev->add_option("--id", o->id,
                   "Short id carried in the QR codes (new event only; default: from the name)");
    ev->add_option("--name", o->name, "Event name, as on screens, badges and confirmations");
    ev->add_option("--venue", o->venue, "Venue");
    ev->add_option("--city", o->city, "City");
    ev->add_option("--starts", o->starts, "Start, e.g. '2026-03-16 09:00' (local) or 2026-03-16T08:00:00Z");
    ev->add_option("--ends", o->ends, "End");
    ev->add_option("--doors-open", o->doorsOpen, "Check-in opens ('' for no limit)");
    ev->add_option("--doors-close", o->doorsClose, "Check-in closes ('' for no limit)");
    ev->add_option("--language", o->language, "Language of the idle screen: fr, nl or en");
    ev->add_option("--short-name", o->shortName,
                   "Name in a badge's header, e.g. 'RRBSI 2018' (default: the name; '' for the name)");
    ev->add_option("--tagline", o->tagline, "A line under it on badges ('' for none)");
    ev->add_option("--colour", o->colour,
                   "Main colour of the badges (header), #rrggbb; '' for the template's");
    ev->add_option("--accent-colour", o->accentColour, "Second colour (the rule under the header), #rrggbb");
    ev->add_option("--logo", o->logo, "The event's logo for badges: a PNG or JPEG file; '' removes it");
    ev->add_option("--retention-days", o->retentionDays,
                   "Keep personal data this many days after the event's end (default 30), then kiosk purge");
    ev->add_option("--reentry", o->reentry,
                   "A second scan by someone already in: allowed (\"welcome back\", logged as a re-entry) "
                   "or refused (sent to the help desk; the default)");
    ev->add_option("--badge-for", o->badgeFor,
                   "A badge per kind: KIND=TEMPLATE, KIND a category (speaker) or ticket:TYPE; TEMPLATE '' "
                   "for the default (repeatable)");
    ev->add_option("--band-colour", o->bandColour, "KIND=#rrggbb: the category band's colour for that kind");
    ev->add_option("--role", o->role,
                   "KIND=WORD: the role word on the band for that kind ('' for the category's)");
    ev->add_option("--no-badge-for", o->noBadgeFor, "KIND: that kind gets the default badge again");
    ev->add_option(
        "--pretix-keys", o->pretixKeys,
        "Public keys for pretix signed tickets (pretix_sig1): pretix's event JSON from its REST API "
        "(valid_keys) or a PEM file; added to the keys already loaded");
    ev->add_flag("--clear-pretix-keys", o->clearPretixKeys, "Forget every pretix key first");
    ev->add_flag("--json", o->json, "Print one JSON object");
    ev->callback([o, &ctx] { runEvent(*o, ctx); });
}

}  // namespace kiosk::app
