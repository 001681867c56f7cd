// The public screen's model, one case per check-in outcome: what it shows (icon tone, word,
// headline, reference) and what it must never show (surname, e-mail, organisation).
#include <kiosk/ui/attendee_model.hpp>
#include <kiosk/ui/strings.hpp>

#include <doctest/doctest.h>

#include <kiosk/core/types.hpp>

#include <chrono>
#include <string>

using namespace kiosk;
using namespace kiosk::ui;
using namespace std::chrono_literals;

namespace {

const Strings& strings() {
    static const Strings s = [] {
        auto r = Strings::load(KIOSK_ASSETS_DIR);
        REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
        return std::move(r).value();
    }();
    return s;
}

core::Attendee person() {
    core::Attendee a;
    a.id = "a1";
    a.firstName = "Zoë";
    a.lastName = "Kowalczyk-Øster";
    a.email = "zoe.private@example.org";
    a.organisation = "Secret Org";
    a.workingGroup = "WG 3 — Données";
    a.language = core::Language::Nl;
    return a;
}

core::ScanResult result(core::Outcome o, bool withAttendee = true) {
    core::ScanResult r;
    r.outcome = o;
    if (withAttendee) r.attendee = person();
    if (o != core::Outcome::CheckedIn) r.caseRef = "K7F-3Q";
    return r;
}

std::string allText(const PublicScreen& p) {
    std::string s = p.word + "\n" + p.headline + "\n" + p.reference + "\n" + p.badgeLine + "\n" + p.title;
    for (const auto& l : p.lines) s += "\n" + l;
    return s;
}

void requireNoPersonalData(const PublicScreen& p) {
    const std::string s = allText(p);
    CHECK(s.find("Kowalczyk") == std::string::npos);
    CHECK(s.find("Øster") == std::string::npos);
    CHECK(s.find("example.org") == std::string::npos);
    CHECK(s.find("Secret Org") == std::string::npos);
}

struct Shown {
    AttendeeState state;
    PublicScreen screen;
};

Shown show(core::Outcome o, bool withAttendee = true, bool printer = true) {
    Shown s;
    s.state.kioskLanguage = s.state.shownLanguage = core::Language::En;
    s.state.eventName = "RRBSI 2018";
    const auto t0 = std::chrono::steady_clock::time_point{} + 100s;
    applyScanResult(s.state, result(o, withAttendee), printer, t0, AttendeeTimings{});
    s.screen = describe(s.state, strings(), true, "");
    return s;
}

/// Every refusal: the same help-desk words in the kiosk's language (English here, although the
/// code's owner reads Dutch), one tone, the case reference, nothing else.
void requireHelpDesk(const Shown& s) {
    CHECK(s.state.screen == AttendeeScreen::Help);
    CHECK(s.screen.tone == Tone::Attention);
    CHECK(s.state.shownLanguage == core::Language::En);
    CHECK(s.screen.word == strings().get(core::Language::En, "attendee.help.word"));
    CHECK(s.screen.headline == strings().get(core::Language::En, "attendee.help.title"));
    REQUIRE(s.screen.lines.size() == 1);
    CHECK(s.screen.lines[0] == strings().get(core::Language::En, "attendee.help.kind"));
    CHECK(s.screen.reference.find("K7F-3Q") != std::string::npos);
    CHECK(s.state.firstName.empty());
    CHECK(allText(s.screen).find("Zoë") == std::string::npos);
    requireNoPersonalData(s.screen);
}

}  // namespace

TEST_CASE("checked_in: welcome with the first name only, working group, badge printing") {
    auto s = show(core::Outcome::CheckedIn);
    CHECK(s.state.screen == AttendeeScreen::Welcome);
    CHECK(s.screen.tone == Tone::Success);
    CHECK(s.screen.word == strings().get(core::Language::Nl, "outcome.checked_in.word"));
    CHECK(s.screen.headline.find("Zoë") != std::string::npos);
    CHECK(allText(s.screen).find("WG 3 — Données") != std::string::npos);
    CHECK(s.screen.badgeLine == strings().get(core::Language::Nl, "attendee.welcome.queued"));
    CHECK(s.screen.badgeProgress > 0.f);
    CHECK(s.screen.reference.empty());
    requireNoPersonalData(s.screen);

    // Progress of this badge moves the bar; another kiosk's job does not.
    attachPrintJob(s.state, "job-1");
    applyPrintProgress(s.state, "job-other", core::PrintJobState::Printed, 1.f, false);
    CHECK(s.state.badge == BadgeStage::Queued);
    applyPrintProgress(s.state, "job-1", core::PrintJobState::Submitted, 0.5f, false);
    CHECK(s.state.badge == BadgeStage::Printing);
    CHECK(describe(s.state, strings(), true, "").badgeLine ==
          strings().get(core::Language::Nl, "attendee.welcome.printing"));
    applyPrintProgress(s.state, "job-1", core::PrintJobState::Printed, 1.f, false);
    CHECK(s.state.badge == BadgeStage::Printed);
    CHECK(describe(s.state, strings(), true, "").badgeProgress == doctest::Approx(1.f));
}

TEST_CASE("reentry: 'welcome back' in the attendee's language, first name only, no badge, no desk") {
    AttendeeState st;
    st.kioskLanguage = st.shownLanguage = core::Language::En;
    core::ScanResult r;
    r.outcome = core::Outcome::Reentry;
    r.attendee = person();  // reads Dutch
    const auto t0 = std::chrono::steady_clock::time_point{} + 100s;
    applyScanResult(st, r, /*hasPrinter=*/true, t0, AttendeeTimings{});
    const PublicScreen p = describe(st, strings(), true, "");
    CHECK(st.screen == AttendeeScreen::Welcome);
    CHECK(st.shownLanguage == core::Language::Nl);
    CHECK(p.tone == Tone::Success);
    CHECK(p.word == strings().get(core::Language::Nl, "outcome.reentry.word"));
    CHECK(p.headline == strings().format(core::Language::Nl, "attendee.welcome.back", {{"name", "Zoë"}}));
    CHECK(p.headline != strings().format(core::Language::Nl, "attendee.welcome.hello", {{"name", "Zoë"}}));
    CHECK(p.badgeLine.empty());  // they have their badge
    CHECK(p.badgeProgress < 0.f);
    CHECK(p.reference.empty());
    CHECK(allText(p).find(strings().get(core::Language::Nl, "attendee.help.title")) == std::string::npos);
    requireNoPersonalData(p);
    // Every language has its own words.
    for (core::Language l : {core::Language::Fr, core::Language::Nl, core::Language::En}) {
        CHECK_FALSE(strings().get(l, "attendee.welcome.back").empty());
        CHECK(strings().get(l, "attendee.welcome.back").find("{name}") != std::string::npos);
    }
    CHECK(strings().get(core::Language::Fr, "attendee.welcome.back") !=
          strings().get(core::Language::En, "attendee.welcome.back"));
    // Back to idle after the welcome's time, like an arrival.
    CHECK(tick(st, t0 + AttendeeTimings{}.welcomeFor + 1ms));
    CHECK(st.screen == AttendeeScreen::Idle);
}

TEST_CASE("checked_in without a printer: the welcome says where to collect the badge") {
    auto s = show(core::Outcome::CheckedIn, true, /*printer=*/false);
    CHECK(s.state.badge == BadgeStage::NoPrinter);
    const auto p = describe(s.state, strings(), true, "table B");
    CHECK(p.badgeLine.find("table B") != std::string::npos);
    CHECK(p.badgeProgress < 0.f);
}

TEST_CASE("checked_in, printing failed: the badge waits at the help desk") {
    auto s = show(core::Outcome::CheckedIn);
    attachPrintJob(s.state, "job-1");
    applyPrintProgress(s.state, "job-1", core::PrintJobState::Held, 0.f, true);
    CHECK(s.state.badge == BadgeStage::Failed);
    CHECK(describe(s.state, strings(), true, "").badgeLine ==
          strings().get(core::Language::Nl, "attendee.welcome.print_failed"));
}

TEST_CASE("already_checked_in: only 'please see the help desk', no name, no first check-in details") {
    requireHelpDesk(show(core::Outcome::AlreadyCheckedIn));
}

TEST_CASE("unknown_code: the same help-desk screen, case reference, kiosk language") {
    requireHelpDesk(show(core::Outcome::UnknownCode, /*withAttendee=*/false));
}

TEST_CASE("invalid_payload: the same help-desk screen") {
    requireHelpDesk(show(core::Outcome::InvalidPayload, false));
}

TEST_CASE("wrong_event: the same help-desk screen") {
    requireHelpDesk(show(core::Outcome::WrongEvent, false));
}

TEST_CASE("revoked: the same help-desk screen, no personal data, not the owner's language") {
    requireHelpDesk(show(core::Outcome::Revoked));
}

TEST_CASE("cancelled: the same help-desk screen, no personal data, not the owner's language") {
    requireHelpDesk(show(core::Outcome::Cancelled));
}

// Doors are checked after the code is resolved (docs/checkin.md): a "not open yet" would tell a
// stranger the code is genuine. The desk shows a banner with the door times instead.
TEST_CASE("not_open_yet: the same help-desk screen") {
    requireHelpDesk(show(core::Outcome::NotOpenYet));
}

TEST_CASE("closed: the same help-desk screen") {
    requireHelpDesk(show(core::Outcome::Closed));
}

TEST_CASE("every refusal looks and sounds the same: a repeat, a cancelled, a revoked and an unknown code") {
    const auto reference = show(core::Outcome::UnknownCode, false);
    for (auto o :
         {core::Outcome::AlreadyCheckedIn, core::Outcome::Revoked, core::Outcome::Cancelled,
          core::Outcome::WrongEvent, core::Outcome::NotOpenYet, core::Outcome::Closed,
          core::Outcome::InvalidPayload, core::Outcome::TicketNotYetValid, core::Outcome::TicketExpired}) {
        INFO(core::reasonCode(o));
        const auto s = show(o);  // a genuine code, whose owner reads Dutch
        CHECK(allText(s.screen) == allText(reference.screen));
        CHECK(s.screen.tone == reference.screen.tone);
        CHECK(toneFor(o) == toneFor(core::Outcome::UnknownCode));  // the sound too
        CHECK(s.state.shownLanguage == reference.state.shownLanguage);
        // The reason stays for the desk: the state keeps the outcome code.
        REQUIRE(s.state.outcome.has_value());
        CHECK(*s.state.outcome == o);
    }
}

TEST_CASE("ticket_not_yet_valid / ticket_expired: the same help-desk screen, the reason for the desk") {
    for (auto o : {core::Outcome::TicketNotYetValid, core::Outcome::TicketExpired}) {
        INFO(core::reasonCode(o));
        requireHelpDesk(show(o));
        const std::string code(core::reasonCode(o));
        for (auto l : {core::Language::Fr, core::Language::Nl, core::Language::En}) {
            CHECK(strings().has(l, "desk.reason." + code));
            CHECK(strings().has(l, "desk.outcome." + code));
            CHECK(strings().has(l, "dashboard.outcome." + code));
        }
    }
}

TEST_CASE(
    "checked_in on a ticket the list did not carry: welcome without a name, badge at the desk, reference") {
    AttendeeState st;
    st.kioskLanguage = st.shownLanguage = core::Language::Fr;
    core::ScanResult r;
    r.outcome = core::Outcome::CheckedIn;
    r.attendee.emplace();
    r.attendee->language = core::Language::Fr;
    r.caseRef = "K7F-3QA";
    applyScanResult(st, r, /*hasPrinter=*/true, std::chrono::steady_clock::time_point{} + 1s,
                    AttendeeTimings{});
    const auto p = describe(st, strings(), true, "");
    CHECK(p.screen == AttendeeScreen::Welcome);
    CHECK(p.tone == Tone::Success);
    CHECK(p.headline == strings().get(core::Language::Fr, "attendee.welcome.hello_anonymous"));
    CHECK(p.badgeLine == strings().get(core::Language::Fr, "attendee.welcome.print_failed"));
    CHECK(p.reference.find("K7F-3QA") != std::string::npos);
}

TEST_CASE("infrastructure error: help desk without reference, kind words") {
    AttendeeState st;
    st.kioskLanguage = st.shownLanguage = core::Language::Fr;
    applyCheckinError(st, std::chrono::steady_clock::time_point{} + 1s, AttendeeTimings{});
    const auto p = describe(st, strings(), true, "");
    CHECK(p.screen == AttendeeScreen::Help);
    CHECK(p.tone == Tone::Attention);
    CHECK(p.headline == strings().get(core::Language::Fr, "attendee.help.title"));
    CHECK(p.reference.empty());
}

TEST_CASE("a welcome differs from every refusal, and the public screen's words are translated") {
    for (auto o : {core::Outcome::AlreadyCheckedIn, core::Outcome::UnknownCode, core::Outcome::Revoked,
                   core::Outcome::Cancelled, core::Outcome::WrongEvent, core::Outcome::NotOpenYet,
                   core::Outcome::Closed, core::Outcome::InvalidPayload, core::Outcome::TicketNotYetValid,
                   core::Outcome::TicketExpired})
        CHECK(toneFor(o) != Tone::Success);
    CHECK(toneFor(core::Outcome::CheckedIn) == Tone::Success);
    for (auto l : {core::Language::Fr, core::Language::Nl, core::Language::En}) {
        INFO(core::languageCode(l));
        for (const char* key : {"outcome.checked_in.word", "attendee.help.word", "attendee.help.title",
                                "attendee.help.kind", "attendee.help.ref", "attendee.help.error"})
            CHECK(strings().has(l, key));
    }
}

TEST_CASE("back to idle on its own, and the kiosk language returns") {
    auto s = show(core::Outcome::CheckedIn);
    CHECK(s.state.shownLanguage == core::Language::Nl);
    const auto t0 = s.state.shownAt;
    CHECK_FALSE(tick(s.state, t0 + 1s));
    CHECK(s.state.screen == AttendeeScreen::Welcome);
    CHECK(tick(s.state, t0 + 7s));
    CHECK(s.state.screen == AttendeeScreen::Idle);
    CHECK(s.state.firstName.empty());
    CHECK(s.state.shownLanguage == core::Language::En);
    const auto idle = describe(s.state, strings(), true, "");
    CHECK(idle.instruction == strings().get(core::Language::En, "attendee.idle.hold_qr"));
    REQUIRE(idle.otherLanguages.size() == 2);
    CHECK(idle.otherLanguages[0] == strings().get(core::Language::Fr, "attendee.idle.hold_qr"));
    CHECK(idle.otherLanguages[1] == strings().get(core::Language::Nl, "attendee.idle.hold_qr"));
    // No camera: the instruction speaks of the scanner instead.
    CHECK(describe(s.state, strings(), false, "").instruction ==
          strings().get(core::Language::En, "attendee.idle.scan_qr"));
}

TEST_CASE("status line: device states are words in the kiosk's language, unknown codes stay codes") {
    CHECK(strings().stateWord(core::Language::Fr, "running") == "active");
    CHECK(strings().stateWord(core::Language::Nl, "unreachable") == "onbereikbaar");
    CHECK(strings().stateWord(core::Language::En, "idle") == "ready");
    CHECK(strings().stateWord(core::Language::Fr, "some_new_state") == "some_new_state");
}

TEST_CASE("language files: fr, nl and en carry the same keys") {
    for (auto l : {core::Language::Fr, core::Language::Nl}) {
        const auto missing = strings().missingKeys(l, core::Language::En);
        INFO(core::languageCode(l) << " misses " << (missing.empty() ? std::string() : missing.front()));
        CHECK(missing.empty());
        CHECK(strings().missingKeys(core::Language::En, l).empty());
    }
}
