// The public screen's model, one case per check-in outcome: what it shows (icon tone, word,
// headline, reference) and what it must never show (surname, e-mail, organisation).
#include "../../kiosk/ui/src/attendee_model.hpp"
#include "../../kiosk/ui/src/strings.hpp"

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

void requireHelpDesk(const Shown& s, Tone tone) {
    CHECK(s.state.screen == AttendeeScreen::Help);
    CHECK(s.screen.tone == tone);
    CHECK(!s.screen.word.empty());
    CHECK(s.screen.word.find("outcome.") == std::string::npos);  // translated, not a raw key
    CHECK(s.screen.reference.find("K7F-3Q") != std::string::npos);
    // Shown in the attendee's language (Dutch here) once the code is known.
    CHECK(s.screen.headline == strings().get(core::Language::Nl, "attendee.help.title"));
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
    applyPrintProgress(s.state, "job-other", "printed", 1.f, false);
    CHECK(s.state.badge == BadgeStage::Queued);
    applyPrintProgress(s.state, "job-1", "submitted", 0.5f, false);
    CHECK(s.state.badge == BadgeStage::Printing);
    CHECK(describe(s.state, strings(), true, "").badgeLine ==
          strings().get(core::Language::Nl, "attendee.welcome.printing"));
    applyPrintProgress(s.state, "job-1", "printed", 1.f, false);
    CHECK(s.state.badge == BadgeStage::Printed);
    CHECK(describe(s.state, strings(), true, "").badgeProgress == doctest::Approx(1.f));
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
    applyPrintProgress(s.state, "job-1", "held", 0.f, true);
    CHECK(s.state.badge == BadgeStage::Failed);
    CHECK(describe(s.state, strings(), true, "").badgeLine ==
          strings().get(core::Language::Nl, "attendee.welcome.print_failed"));
}

TEST_CASE("already_checked_in: only 'please see the help desk', no name, no first check-in details") {
    auto s = show(core::Outcome::AlreadyCheckedIn);
    requireHelpDesk(s, Tone::Attention);
    // Nothing but the help-desk words and the reference: no reason line that tells a stranger
    // this person is inside.
    REQUIRE(s.screen.lines.size() == 1);
    CHECK(s.screen.lines[0] == strings().get(core::Language::Nl, "attendee.help.kind"));
}

TEST_CASE("unknown_code: refused tone, help desk, case reference, kiosk language kept") {
    auto s = show(core::Outcome::UnknownCode, /*withAttendee=*/false);
    CHECK(s.state.screen == AttendeeScreen::Help);
    CHECK(s.screen.tone == Tone::Refused);
    CHECK(s.screen.headline == strings().get(core::Language::En, "attendee.help.title"));
    CHECK(s.screen.reference.find("K7F-3Q") != std::string::npos);
    CHECK(allText(s.screen).find(strings().get(core::Language::En, "outcome.unknown_code.line")) != std::string::npos);
}

TEST_CASE("invalid_payload: refused tone, help desk") {
    auto s = show(core::Outcome::InvalidPayload, false);
    CHECK(s.state.screen == AttendeeScreen::Help);
    CHECK(s.screen.tone == Tone::Refused);
    CHECK(s.screen.reference.find("K7F-3Q") != std::string::npos);
}

TEST_CASE("wrong_event: refused tone, help desk") {
    auto s = show(core::Outcome::WrongEvent, false);
    CHECK(s.screen.tone == Tone::Refused);
    CHECK(s.state.screen == AttendeeScreen::Help);
    CHECK(allText(s.screen).find(strings().get(core::Language::En, "outcome.wrong_event.line")) != std::string::npos);
}

TEST_CASE("revoked: attention tone, help desk, no personal data") {
    requireHelpDesk(show(core::Outcome::Revoked), Tone::Attention);
}

TEST_CASE("cancelled: attention tone, help desk, no personal data") {
    requireHelpDesk(show(core::Outcome::Cancelled), Tone::Attention);
}

TEST_CASE("not_open_yet: attention tone, says check-in has not opened") {
    auto s = show(core::Outcome::NotOpenYet);
    requireHelpDesk(s, Tone::Attention);
    CHECK(allText(s.screen).find(strings().get(core::Language::Nl, "outcome.not_open_yet.line")) != std::string::npos);
}

TEST_CASE("closed: attention tone, says check-in is closed") {
    auto s = show(core::Outcome::Closed);
    requireHelpDesk(s, Tone::Attention);
    CHECK(allText(s.screen).find(strings().get(core::Language::Nl, "outcome.closed.line")) != std::string::npos);
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

TEST_CASE("every outcome has a distinct word or tone from a welcome, and every word is translated") {
    for (auto o : {core::Outcome::CheckedIn, core::Outcome::AlreadyCheckedIn, core::Outcome::UnknownCode,
                   core::Outcome::Revoked, core::Outcome::Cancelled, core::Outcome::WrongEvent,
                   core::Outcome::NotOpenYet, core::Outcome::Closed, core::Outcome::InvalidPayload}) {
        const std::string code(core::reasonCode(o));
        for (auto l : {core::Language::Fr, core::Language::Nl, core::Language::En}) {
            INFO(code << " " << core::languageCode(l));
            CHECK(strings().has(l, "outcome." + code + ".word"));
            CHECK(strings().has(l, "outcome." + code + ".line"));
        }
        if (o != core::Outcome::CheckedIn) CHECK(toneFor(o) != Tone::Success);
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
