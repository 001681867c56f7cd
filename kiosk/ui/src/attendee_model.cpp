#include <kiosk/ui/attendee_model.hpp>

namespace kiosk::ui {

std::string_view attendeeScreenName(AttendeeScreen s) {
    switch (s) {
        case AttendeeScreen::Idle:
            return "idle";
        case AttendeeScreen::Welcome:
            return "welcome";
        case AttendeeScreen::Help:
            return "help";
    }
    return "idle";
}

namespace {

void clearResult(AttendeeState& s) {
    s.outcome.reset();
    s.firstName.clear();
    s.workingGroup.clear();
    s.caseRef.clear();
    s.printJobId.clear();
    s.badge = BadgeStage::None;
    s.badgeProgress = 0.f;
}

}  // namespace

void applyScanResult(AttendeeState& s, const core::ScanResult& r, bool hasPrinter,
                     std::chrono::steady_clock::time_point now, const AttendeeTimings& t) {
    clearResult(s);
    s.checking = false;
    s.outcome = r.outcome;
    s.shownAt = now;
    ++s.generation;
    // The attendee's own language on a welcome only. A refusal keeps the kiosk's language: a
    // stranger holding someone else's confirmation must not learn that the code is genuine
    // (nor its owner's language) from the screen switching.
    s.shownLanguage = s.kioskLanguage;
    if (r.outcome == core::Outcome::CheckedIn) {
        if (r.attendee) s.shownLanguage = r.attendee->language;
        s.screen = AttendeeScreen::Welcome;
        if (r.attendee) {
            s.firstName = r.attendee->firstName;
            s.workingGroup = r.attendee->workingGroup;
        }
        s.badge = hasPrinter ? BadgeStage::Queued : BadgeStage::NoPrinter;
        s.badgeProgress = hasPrinter ? 0.1f : 0.f;
        if (!r.caseRef.empty()) {
            // Admitted on a genuine ticket the list did not carry: no name yet, the badge is
            // made at the desk, which finds the person under this reference.
            s.caseRef = r.caseRef;
            s.badge = BadgeStage::Failed;
            s.badgeProgress = 0.f;
        }
        s.until = now + t.welcomeFor;
        return;
    }
    if (r.outcome == core::Outcome::Reentry) {
        // The organiser allows re-entry: someone already in is welcomed back like an arrival
        // (their language, first name), with no badge line — they have theirs.
        if (r.attendee) {
            s.shownLanguage = r.attendee->language;
            s.firstName = r.attendee->firstName;
        }
        s.screen = AttendeeScreen::Welcome;
        s.until = now + t.welcomeFor;
        return;
    }
    s.screen = AttendeeScreen::Help;
    s.caseRef = r.caseRef;
    s.until = now + t.helpFor;
}

void applyCheckinError(AttendeeState& s, std::chrono::steady_clock::time_point now,
                       const AttendeeTimings& t) {
    clearResult(s);
    s.checking = false;
    s.screen = AttendeeScreen::Help;
    s.shownLanguage = s.kioskLanguage;
    s.shownAt = now;
    s.until = now + t.helpFor;
    ++s.generation;
}

void attachPrintJob(AttendeeState& s, const std::string& printJobId) {
    if (s.screen == AttendeeScreen::Welcome) s.printJobId = printJobId;
}

void applyPrintProgress(AttendeeState& s, const std::string& printJobId, core::PrintJobState outboxState,
                        float progress, bool failed) {
    if (s.screen != AttendeeScreen::Welcome || printJobId.empty() || printJobId != s.printJobId) return;
    if (failed || core::waitsForDesk(outboxState) || outboxState == core::PrintJobState::Dismissed) {
        s.badge = BadgeStage::Failed;
        s.badgeProgress = 0.f;
    } else if (outboxState == core::PrintJobState::Printed || progress >= 1.f) {
        s.badge = BadgeStage::Printed;
        s.badgeProgress = 1.f;
    } else {
        s.badge = progress >= 0.5f ? BadgeStage::Printing : BadgeStage::Queued;
        s.badgeProgress = std::max(s.badgeProgress, progress);
    }
}

bool tick(AttendeeState& s, std::chrono::steady_clock::time_point now) {
    if (s.screen == AttendeeScreen::Idle || now < s.until) return false;
    dismiss(s);
    return true;
}

void dismiss(AttendeeState& s) {
    if (s.screen == AttendeeScreen::Idle) return;
    clearResult(s);
    s.screen = AttendeeScreen::Idle;
    s.shownLanguage = s.kioskLanguage;
    ++s.generation;
}

void setLanguage(AttendeeState& s, core::Language l) {
    s.kioskLanguage = l;
    s.shownLanguage = l;
    ++s.generation;
}

Tone toneFor(std::optional<core::Outcome> o) {
    // One tone (and so one icon, colour and sound) for every refusal: a repeat scan, a revoked,
    // a cancelled and an unknown code must not look or sound different to the person at the
    // screen. The reason is for the desk, which finds it under the case reference.
    if (o && core::admits(*o)) return Tone::Success;
    return Tone::Attention;
}

PublicScreen describe(const AttendeeState& s, const Strings& text, bool cameraAvailable,
                      const std::string& pickupPlace) {
    PublicScreen p;
    p.screen = s.screen;
    const core::Language lang = s.screen == AttendeeScreen::Idle ? s.kioskLanguage : s.shownLanguage;
    auto tr = [&](std::string_view key) -> const std::string& { return text.get(lang, key); };
    p.okLabel = tr("attendee.ok");
    p.title = s.eventName;
    const char* instructionKey = cameraAvailable ? "attendee.idle.hold_qr" : "attendee.idle.scan_qr";
    p.instruction = tr(instructionKey);
    for (core::Language other : {core::Language::Fr, core::Language::Nl, core::Language::En})
        if (other != lang) p.otherLanguages.push_back(text.get(other, instructionKey));
    p.hint = tr("attendee.idle.hint");
    if (s.screen == AttendeeScreen::Idle) {
        p.word = tr("attendee.idle.welcome");
        p.headline = s.checking ? tr("attendee.idle.one_moment") : std::string();
        return p;
    }

    p.tone = toneFor(s.outcome);
    if (s.screen == AttendeeScreen::Welcome && s.outcome == core::Outcome::Reentry) {
        p.word = tr("outcome.reentry.word");
        p.headline = s.firstName.empty()
                         ? tr("attendee.welcome.back_anonymous")
                         : text.format(lang, "attendee.welcome.back", {{"name", s.firstName}});
        p.lines.push_back(tr("attendee.welcome.back_enjoy"));
        return p;
    }
    if (s.screen == AttendeeScreen::Welcome) {
        p.word = tr("outcome.checked_in.word");
        p.headline = s.firstName.empty()
                         ? tr("attendee.welcome.hello_anonymous")
                         : text.format(lang, "attendee.welcome.hello", {{"name", s.firstName}});
        if (!s.caseRef.empty()) p.reference = text.format(lang, "attendee.help.ref", {{"ref", s.caseRef}});
        if (!s.workingGroup.empty())
            p.lines.push_back(text.format(lang, "attendee.welcome.group", {{"group", s.workingGroup}}));
        const std::string place = pickupPlace.empty() ? tr("attendee.pickup_default") : pickupPlace;
        switch (s.badge) {
            case BadgeStage::None:
                break;
            case BadgeStage::NoPrinter:
                p.badgeLine = text.format(lang, "attendee.welcome.no_printer", {{"place", place}});
                break;
            case BadgeStage::Queued:
                p.badgeLine = tr("attendee.welcome.queued");
                p.badgeProgress = s.badgeProgress;
                break;
            case BadgeStage::Printing:
                p.badgeLine = tr("attendee.welcome.printing");
                p.badgeProgress = s.badgeProgress;
                break;
            case BadgeStage::Printed:
                p.badgeLine = tr("attendee.welcome.printed");
                p.badgeProgress = 1.f;
                break;
            case BadgeStage::Failed:
                // The badge is held for the desk, which finds it under the person's name.
                p.badgeLine = tr("attendee.welcome.print_failed");
                break;
        }
        p.lines.push_back(tr("attendee.welcome.enjoy"));
        return p;
    }

    // Help: the same words for every refusal — "please see the help desk", the kind line and
    // the case reference — whatever the reason (repeat scan, revoked, cancelled, unknown, wrong
    // event, doors): a stranger holding someone else's code learns nothing, and the desk reads
    // the reason under the reference. Only a failure on our side (no outcome at all) says so.
    p.word = tr("attendee.help.word");
    p.headline = tr("attendee.help.title");
    if (!s.outcome) p.lines.push_back(tr("attendee.help.error"));
    p.lines.push_back(tr("attendee.help.kind"));
    if (!s.caseRef.empty()) p.reference = text.format(lang, "attendee.help.ref", {{"ref", s.caseRef}});
    return p;
}

}  // namespace kiosk::ui
