// A badge per kind of attendee: the organiser's rules mapping a category or a ticket type to a
// template, a band colour and a role word (docs/badges.md). Read by every badge render, written
// by `kiosk event --badge-for / --band-colour / --role`.
#include "store/database_impl.hpp"

#include <kiosk/core/text.hpp>
#include <kiosk/core/utf8.hpp>

#include <algorithm>
#include <cctype>

namespace kiosk::core {

std::string_view badgeMatchName(BadgeMatch m) {
    return m == BadgeMatch::TicketType ? "ticket_type" : "category";
}

namespace {

std::optional<BadgeMatch> badgeMatchFromName(std::string_view s) {
    if (s == "category") return BadgeMatch::Category;
    if (s == "ticket_type") return BadgeMatch::TicketType;
    return std::nullopt;
}

Error bad(const std::string& what) {
    return Error{"badge.bad_rule", what};
}

Status checkText(const std::string& value, const char* what, std::size_t maxBytes) {
    if (!utf8::isValid(value)) return bad(std::string("the ") + what + " is not valid UTF-8");
    if (value.size() > maxBytes)
        return bad(std::string("the ") + what + " is longer than " + std::to_string(maxBytes) + " bytes");
    if (text::findFirst(value, &text::isInvisible) != std::string::npos)
        return bad(std::string("the ") + what + " holds a control or invisible character: type it again");
    return {};
}

/// Only a name: a rule travels with the database to machines whose folders differ.
Status checkTemplateName(const std::string& name) {
    if (name.empty()) return {};
    const bool ok =
        name.size() <= 64 && name[0] != '.' && std::all_of(name.begin(), name.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '-' || c == '_' || c == '.';
        });
    if (!ok)
        return bad("template '" + name +
                   "': give the name of a template in share/kiosk/templates (letters, digits, - _ .), not a "
                   "path");
    return {};
}

Status checkColour(const std::string& value) {
    if (value.empty()) return {};
    bool ok = value.size() == 7 && value[0] == '#';
    for (std::size_t i = 1; ok && i < value.size(); ++i)
        ok = std::isxdigit(static_cast<unsigned char>(value[i]));
    if (!ok) return bad("band colour '" + value + "': give it as #rrggbb, e.g. #C8553D");
    return {};
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

Result<std::vector<BadgeRule>> Database::badgeRules() const {
    KIOSK_STMT(st, m_impl->conn,
               "SELECT match, value, template, colour, role FROM badge_rules ORDER BY match DESC, value");
    std::vector<BadgeRule> out;
    while (st.step()) {
        auto m = badgeMatchFromName(st.text(0));
        if (!m) continue;
        out.push_back(BadgeRule{*m, st.text(1), st.text(2), st.text(3), st.text(4)});
    }
    if (st.failed()) return m_impl->conn.error("read badge rules");
    return out;
}

Result<std::optional<BadgeRule>> Database::badgeRuleFor(const Attendee& a) const {
    // The ticket type is the more specific (a "Keynote" ticket among speakers): it comes first.
    KIOSK_STMT(st, m_impl->conn,
               "SELECT match, value, template, colour, role FROM badge_rules "
               "WHERE (match = 'ticket_type' AND value = ?1 COLLATE NOCASE AND ?1 <> '') "
               "   OR (match = 'category' AND value = ?2 COLLATE NOCASE AND ?2 <> '') "
               "ORDER BY match = 'ticket_type' DESC LIMIT 1");
    st.bind(1, a.ticketType).bind(2, a.category);
    if (st.step()) {
        auto m = badgeMatchFromName(st.text(0));
        if (m) return std::optional<BadgeRule>(BadgeRule{*m, st.text(1), st.text(2), st.text(3), st.text(4)});
    }
    if (st.failed()) return m_impl->conn.error("read badge rules");
    return std::optional<BadgeRule>{};
}

Status Database::changeBadgeRules(const std::vector<BadgeRuleChange>& changes, const std::string& actor,
                                  TimePoint at) {
    if (auto s = m_impl->requireWritable("change badge rules"); !s) return s;
    for (const auto& ch : changes) {
        if (ch.value.empty()) return bad("a badge rule needs a category or ticket type to match");
        if (auto s = checkText(ch.value, "category or ticket type", 200); !s) return s;
        if (ch.templateName)
            if (auto s = checkTemplateName(*ch.templateName); !s) return s;
        if (ch.colour)
            if (auto s = checkColour(*ch.colour); !s) return s;
        if (ch.role)
            if (auto s = checkText(*ch.role, "role word", 120); !s) return s;
    }
    const auto& c = m_impl->conn;
    store::Transaction tx(c);
    if (auto s = tx.begin(); !s) return s;
    for (const auto& ch : changes) {
        // Merge with the rule in force: each option changes one part of it.
        BadgeRule rule{ch.match, ch.value, "", "", ""};
        {
            KIOSK_STMT(st, c,
                       "SELECT value, template, colour, role FROM badge_rules "
                       "WHERE match = ?1 AND value = ?2 COLLATE NOCASE");
            st.bind(1, badgeMatchName(ch.match)).bind(2, ch.value);
            if (st.step()) {
                rule.value = st.text(0);
                rule.templateName = st.text(1);
                rule.colour = st.text(2);
                rule.role = st.text(3);
            } else if (st.failed()) {
                return c.error("read badge rules");
            }
        }
        if (ch.remove) rule.templateName = rule.colour = rule.role = "";
        if (ch.templateName) rule.templateName = *ch.templateName;
        if (ch.colour) rule.colour = lower(*ch.colour);
        if (ch.role) rule.role = *ch.role;
        {
            KIOSK_STMT(st, c, "DELETE FROM badge_rules WHERE match = ?1 AND value = ?2 COLLATE NOCASE");
            st.bind(1, badgeMatchName(ch.match)).bind(2, ch.value);
            st.step();
            if (st.failed()) return c.error("change badge rules");
        }
        if (!rule.templateName.empty() || !rule.colour.empty() || !rule.role.empty()) {
            KIOSK_STMT(
                st, c,
                "INSERT INTO badge_rules(match, value, template, colour, role) VALUES (?1, ?2, ?3, ?4, ?5)");
            st.bind(1, badgeMatchName(ch.match)).bind(2, rule.value).bind(3, rule.templateName);
            st.bind(4, rule.colour).bind(5, rule.role);
            st.step();
            if (st.failed()) return c.error("change badge rules");
        }
        if (auto s = m_impl->insertAudit(at, actor, "event.badge_rule", "",
                                         jsonDetail({{"match", std::string(badgeMatchName(ch.match))},
                                                     {"value", rule.value},
                                                     {"template", rule.templateName},
                                                     {"colour", rule.colour},
                                                     {"role", rule.role}}));
            !s)
            return s;
    }
    return tx.commit();
}

}  // namespace kiosk::core
