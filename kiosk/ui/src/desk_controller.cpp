#include "desk_controller.hpp"

#include "pin.hpp"
#include "strings.hpp"

#include <kiosk/core/payload.hpp>
#include <kiosk/printing/printer.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <set>

namespace kiosk::ui {

namespace {

using SteadyClock = std::chrono::steady_clock;

double msSince(SteadyClock::time_point start) {
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

/// Checked in now = the newest record of the append-only log is an arrival, not an annul.
bool isCheckedIn(const std::vector<core::CheckinRecord>& history) {
    const core::CheckinRecord* newest = nullptr;
    for (const auto& r : history)
        if (!newest || r.at >= newest->at) newest = &r;
    return newest && newest->action == core::CheckinAction::Checkin;
}

}  // namespace

std::string formatLocalTime(core::TimePoint t, bool withDate) {
    const std::time_t secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    std::tm tm{};
    localtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, withDate ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
    return buf;
}

const std::string& ScreenEnv::tr(std::string_view key) const {
    static const std::string empty;
    return text ? text->get(language, key) : empty;
}

std::string ScreenEnv::fmt(std::string_view key,
                           std::initializer_list<std::pair<std::string_view, std::string_view>> args) const {
    return text ? text->format(language, key, args) : std::string(key);
}

DeskController::DeskController(ShellContext& ctx) {
    m_model.env.text = &ctx.text;
    m_model.env.language = ctx.language;
}

void DeskController::clear() {
    const ScreenEnv env = m_model.env;
    m_model = DeskModel{};
    m_model.env = env;
    m_dirty = true;
}

void DeskController::refresh(ShellContext& ctx) {
    m_model.env.text = &ctx.text;
    m_model.env.language = ctx.language;
    m_model.env.fonts = ctx.fonts;
    m_model.env.pixelsPerMm = ctx.pixelsPerMm;
    m_model.env.largeText = ctx.largeText;
    m_model.env.kioskName = ctx.kioskName;
    m_model.writeProblem = ctx.writeProblem;
    if (!m_dirty && ctx.steadyNow - m_lastRefresh < kRefreshEvery) return;
    reload(ctx);
}

void DeskController::reload(ShellContext& ctx) {
    const auto start = SteadyClock::now();
    m_dirty = false;
    m_lastRefresh = ctx.steadyNow;
    if (!m_choicesLoaded) loadChoices(ctx);
    m_model.doorsKey.clear();
    m_model.doorsTime.clear();
    if (auto ev = ctx.db.event(); ev.ok() && ev->has_value()) {
        const core::Event& e = **ev;
        m_model.eventName = e.name;
        // The volunteers see why every scan is refused before the queue fills with cases.
        if (e.doorsOpenAt != core::TimePoint{} && ctx.now < e.doorsOpenAt) {
            m_model.doorsKey = "desk.doors.not_open";
            m_model.doorsTime = formatLocalTime(e.doorsOpenAt, true);
        } else if (e.doorsCloseAt != core::TimePoint{} && ctx.now > e.doorsCloseAt) {
            m_model.doorsKey = "desk.doors.closed";
            m_model.doorsTime = formatLocalTime(e.doorsCloseAt, true);
        }
    }
    // Without `<db>.pin` the only way in was the documented demo PIN: keep asking to change it.
    std::error_code ec;
    m_model.demoPinWarning = !ctx.dbPath.empty() && !std::filesystem::exists(pinFileFor(ctx.dbPath), ec);
    runSearch(ctx);
    loadSelected(ctx);
    loadCases(ctx);
    m_model.lastRefreshMs = msSince(start);
}

void DeskController::runSearch(ShellContext& ctx) {
    const auto start = SteadyClock::now();
    m_model.results.clear();
    m_model.resultsCheckedIn.clear();
    m_model.resultsTruncated = false;
    const std::string q = trim(m_model.query);
    if (q.empty()) return;
    auto found = ctx.db.search(q, kSearchLimit + 1);
    if (!found) return fail(found.error());
    m_model.resultsTruncated = static_cast<int>(found->size()) > kSearchLimit;
    if (m_model.resultsTruncated) found->resize(kSearchLimit);
    for (auto& a : *found) {
        auto h = ctx.db.history(a.id);
        m_model.resultsCheckedIn.push_back(h.ok() && isCheckedIn(*h));
        m_model.results.push_back(std::move(a));
    }
    m_model.lastSearchMs = msSince(start);
}

void DeskController::loadSelected(ShellContext& ctx) {
    if (!m_model.selected) return;
    const std::string id = m_model.selected->attendee.id;
    auto a = ctx.db.attendee(id);
    if (!a) return fail(a.error());
    if (!a->has_value()) {
        m_model.selected.reset();
        if (m_model.page == DeskPage::Attendee) m_model.page = DeskPage::Search;
        return;
    }
    DeskAttendee d;
    d.attendee = std::move(**a);
    if (auto h = ctx.db.history(id); h.ok()) {
        d.checkedIn = isCheckedIn(*h);
        auto rows = *h;
        std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.at > y.at; });
        for (const auto& r : rows)
            d.history.push_back({formatLocalTime(r.at), r.kiosk,
                                 r.action == core::CheckinAction::Checkin ? "checkin" : "annul", r.actor,
                                 r.reason});
    } else {
        fail(h.error());
    }
    if (auto n = ctx.db.reprintCount(id); n.ok()) d.reprints = *n;
    // The outbox has no per-attendee query; the desk looks at the recent jobs only.
    if (auto jobs = ctx.db.printJobs({.state = {}, .machine = {}, .attendeeId = id, .limit = 500});
        jobs.ok()) {
        auto mine = std::move(jobs).value();
        std::stable_sort(mine.begin(), mine.end(),
                         [](const auto& x, const auto& y) { return x.createdAt > y.createdAt; });
        for (const auto& j : mine)
            d.printJobs.push_back({j.id, j.kind, j.state, formatLocalTime(j.createdAt),
                                   j.errorCode.empty() ? std::string{} : j.errorCode + ": " + j.errorText});
    }
    m_model.selected = std::move(d);
}

void DeskController::loadCases(ShellContext& ctx) {
    std::vector<std::pair<core::TimePoint, DeskCase>> cases;
    auto nameOf = [&](const std::string& id) -> std::string {
        if (id.empty()) return {};
        auto a = ctx.db.attendee(id);
        return a.ok() && a->has_value() ? (*a)->displayName() : std::string{};
    };
    if (auto refused = ctx.db.refusedScans(/*unresolvedOnly=*/true, kQueueLimit); refused.ok()) {
        for (const auto& r : *refused) {
            DeskCase c;
            c.kind = DeskCase::Kind::RefusedScan;
            c.id = r.id;
            c.caseRef = r.caseRef;
            c.timeLocal = formatLocalTime(r.at);
            c.kiosk = r.kiosk;
            c.reason = std::string(core::reasonCode(r.outcome));
            c.detail = r.payloadEscaped;
            c.attendeeId = r.attendeeId.value_or("");
            c.attendeeName = nameOf(c.attendeeId);
            cases.emplace_back(r.at, std::move(c));
        }
    } else {
        fail(refused.error());
    }
    for (const auto state : {core::PrintJobState::Held, core::PrintJobState::Failed}) {
        auto jobs = ctx.db.printJobs({.state = state, .machine = {}, .attendeeId = {}, .limit = kQueueLimit});
        if (!jobs) {
            fail(jobs.error());
            continue;
        }
        for (const auto& j : *jobs) {
            DeskCase c;
            c.kind = DeskCase::Kind::PrintJob;
            c.id = j.id;
            c.timeLocal = formatLocalTime(j.updatedAt);
            c.kiosk = j.printer;
            c.reason = std::string(core::stateName(j.state));
            c.detail = j.errorCode + ": " + j.errorText;
            c.attendeeId = j.attendeeId;
            c.attendeeName = nameOf(j.attendeeId);
            cases.emplace_back(j.updatedAt, std::move(c));
        }
    }
    std::stable_sort(cases.begin(), cases.end(),
                     [](const auto& x, const auto& y) { return x.first > y.first; });
    m_model.cases.clear();
    for (auto& [at, c] : cases) m_model.cases.push_back(std::move(c));
}

void DeskController::loadChoices(ShellContext& ctx) {
    auto stats = ctx.db.stats();
    if (!stats) return;
    m_choicesLoaded = true;
    std::set<std::string> cats{"participant", "speaker", "staff", "press"};
    for (const auto& g : stats->byCategory)
        if (!g.name.empty()) cats.insert(g.name);
    m_model.categories.assign(cats.begin(), cats.end());
    m_model.workingGroups.clear();
    for (const auto& g : stats->byWorkingGroup)
        if (!g.name.empty()) m_model.workingGroups.push_back(g.name);
}

void DeskController::select(const std::string& attendeeId, ShellContext& ctx) {
    m_model.selected = DeskAttendee{};
    m_model.selected->attendee.id = attendeeId;
    m_model.page = DeskPage::Attendee;
    m_model.checkinReason.clear();
    m_model.annulReason.clear();
    loadSelected(ctx);
    if (m_model.selected) m_model.badgeName = m_model.selected->attendee.displayName();
}

void DeskController::notify(std::string key, std::string arg, bool error) {
    m_model.notice = DeskNotice{std::move(key), std::move(arg), error};
}

void DeskController::fail(const core::Error& e) {
    notify("desk.notice.error", e.code + ": " + e.message, true);
}

bool DeskController::enqueueBadge(const std::string& attendeeId, const std::string& checkinId,
                                  core::PrintJobKind kind, ShellContext& ctx) {
    // The job belongs to this machine: without a printer here it never prints on another kiosk
    // (and the notice says so rather than "on its way").
    auto job = ctx.db.enqueuePrint(attendeeId, checkinId, kind, ctx.kioskName, ctx.actor, ctx.now);
    if (!job) {
        fail(job.error());
        return false;
    }
    return true;  // the store wakes this kiosk's print service
}

bool DeskController::handle(const Intent& intent, ShellContext& ctx) {
    bool handled = true;
    std::visit(
        [&](const auto& i) {
            using T = std::decay_t<decltype(i)>;
            if constexpr (std::is_same_v<T, SearchAttendees>) {
                m_model.query = i.text;
                runSearch(ctx);  // on change only: the field pushes this when the text changed
                if (!trim(i.text).empty() && m_model.page != DeskPage::Search)
                    m_model.page = DeskPage::Search;
            } else if constexpr (std::is_same_v<T, SelectAttendee>) {
                select(i.attendeeId, ctx);
            } else if constexpr (std::is_same_v<T, CheckInAttendee>) {
                onCheckIn(i, ctx);
            } else if constexpr (std::is_same_v<T, Annul>) {
                onAnnul(i, ctx);
            } else if constexpr (std::is_same_v<T, Reprint>) {
                onReprint(i, ctx);
            } else if constexpr (std::is_same_v<T, RenameForBadge>) {
                onRename(i, ctx);
            } else if constexpr (std::is_same_v<T, RegisterWalkIn>) {
                onWalkIn(i, ctx);
            } else if constexpr (std::is_same_v<T, EditDeskField>) {
                onEdit(i);
                if (i.field == DeskField::WalkInFirstName || i.field == DeskField::WalkInLastName)
                    findWalkInMatches(ctx);
            } else if constexpr (std::is_same_v<T, ResolveCase>) {
                onResolve(i, ctx);
            } else if constexpr (std::is_same_v<T, ChangePin>) {
                onChangePin(i, ctx);
            } else if constexpr (std::is_same_v<T, ShowDeskPage>) {
                m_model.page = i.page;
                if (i.page == DeskPage::Attendee && !m_model.selected) m_model.page = DeskPage::Search;
                m_dirty = true;
            } else if constexpr (std::is_same_v<T, RetryPrintJob>) {
                onRetry(i, ctx);
            } else if constexpr (std::is_same_v<T, DismissPrintJob>) {
                onDismiss(i, ctx);
            } else if constexpr (std::is_same_v<T, ExportArrivals>) {
                onExport(ctx);
            } else if constexpr (std::is_same_v<T, DismissNotice>) {
                m_model.notice = {};
            } else {
                handled = false;
            }
        },
        intent);
    return handled;
}

void DeskController::onEdit(const EditDeskField& e) {
    switch (e.field) {
        case DeskField::CheckinReason:
            m_model.checkinReason = e.text;
            break;
        case DeskField::AnnulReason:
            m_model.annulReason = e.text;
            break;
        case DeskField::BadgeName:
            m_model.badgeName = e.text;
            break;
        case DeskField::WalkInFirstName:
            m_model.walkIn.firstName = e.text;
            break;
        case DeskField::WalkInLastName:
            m_model.walkIn.lastName = e.text;
            break;
        case DeskField::WalkInOrganisation:
            m_model.walkIn.organisation = e.text;
            break;
        case DeskField::WalkInCategory:
            m_model.walkIn.category = e.text;
            break;
        case DeskField::WalkInWorkingGroup:
            m_model.walkIn.workingGroup = e.text;
            break;
        case DeskField::WalkInLanguage:
            if (auto l = core::languageFromCode(e.text)) m_model.walkIn.language = *l;
            break;
        case DeskField::NewPin:
            m_model.newPin = e.text;
            break;
        case DeskField::NewPinRepeat:
            m_model.newPinRepeat = e.text;
            break;
    }
}

void DeskController::onCheckIn(const CheckInAttendee& a, ShellContext& ctx) {
    const std::string reason = trim(a.reason).empty() ? "desk" : trim(a.reason);
    auto r = ctx.db.checkInAttendee(a.attendeeId, ctx.kioskName, ctx.now, ctx.actor, reason);
    m_dirty = true;
    if (!r) return fail(r.error());
    const std::string name = r->attendee ? r->attendee->displayName() : std::string{};
    switch (r->outcome) {
        case core::Outcome::CheckedIn:
            m_model.checkinReason.clear();
            // The person stands at the desk without a badge: print it like a kiosk would.
            if (enqueueBadge(a.attendeeId, r->checkin ? r->checkin->id : std::string{},
                             core::PrintJobKind::Badge, ctx))
                notify(ctx.print ? "desk.notice.checked_in" : "desk.notice.checked_in_no_printer", name);
            break;
        case core::Outcome::AlreadyCheckedIn:
            // The core logs the refused attempt as a case; it happened at the desk itself, so it
            // is closed here rather than sent back to the same volunteer's queue.
            closeOwnCase(r->caseRef, ctx);
            notify("desk.notice.already_checked_in",
                   r->firstCheckin ? formatLocalTime(r->firstCheckin->at) + " · " + r->firstCheckin->kiosk
                                   : std::string{},
                   true);
            break;
        default:
            closeOwnCase(r->caseRef, ctx);
            notify("desk.outcome." + std::string(core::reasonCode(r->outcome)), name, true);
            break;
    }
    select(a.attendeeId, ctx);
}

void DeskController::closeOwnCase(const std::string& caseRef, ShellContext& ctx) {
    if (caseRef.empty()) return;
    (void)ctx.db.resolveRefusedScan(caseRef, ctx.actor, "seen at the desk");
}

void DeskController::onAnnul(const Annul& a, ShellContext& ctx) {
    const std::string reason = trim(a.reason);
    if (reason.empty()) return notify("desk.notice.reason_required", {}, true);
    auto st = ctx.db.annul(a.attendeeId, ctx.actor, reason, ctx.kioskName, ctx.now);
    m_dirty = true;
    if (!st) return fail(st.error());
    m_model.annulReason.clear();
    select(a.attendeeId, ctx);
    notify("desk.notice.annulled",
           m_model.selected ? m_model.selected->attendee.displayName() : std::string{});
}

void DeskController::onReprint(const Reprint& a, ShellContext& ctx) {
    m_dirty = true;
    if (!enqueueBadge(a.attendeeId, {}, core::PrintJobKind::Reprint, ctx)) return;
    notify(ctx.print ? "desk.notice.reprint" : "desk.notice.reprint_no_printer");
    if (m_model.selected && m_model.selected->attendee.id == a.attendeeId) loadSelected(ctx);
}

void DeskController::onRename(const RenameForBadge& a, ShellContext& ctx) {
    const std::string name = trim(a.badgeName);
    auto current = ctx.db.attendee(a.attendeeId);
    if (!current) return fail(current.error());
    if (!current->has_value()) return notify("desk.notice.not_found", {}, true);
    // The badge name equal to "First Last" is no override: store empty so later imports that fix
    // the registered name still show through.
    const auto& at = **current;
    const std::string plain = at.firstName + (at.lastName.empty() ? "" : " " + at.lastName);
    const std::string stored = name == plain ? std::string{} : name;
    if (stored == at.badgeName) return notify("desk.notice.unchanged");
    auto st = ctx.db.renameForBadge(a.attendeeId, stored, ctx.actor);
    m_dirty = true;
    if (!st) return fail(st.error());
    select(a.attendeeId, ctx);
    notify("desk.notice.renamed", stored.empty() ? plain : stored);
}

void DeskController::findWalkInMatches(ShellContext& ctx) {
    auto& w = m_model.walkIn;
    w.matches.clear();
    w.matchesCheckedIn.clear();
    const std::string q = trim(w.firstName + " " + w.lastName);
    if (core::foldForSearch(q).size() < 2) return;  // one letter matches half the event
    auto found = ctx.db.search(q, kWalkInMatches);
    if (!found) return fail(found.error());
    for (auto& a : *found) {
        auto h = ctx.db.history(a.id);
        w.matchesCheckedIn.push_back(h.ok() && isCheckedIn(*h));
        w.matches.push_back(std::move(a));
    }
}

void DeskController::onWalkIn(const RegisterWalkIn& w, ShellContext& ctx) {
    core::Attendee a = w.attendee;
    a.id.clear();
    a.firstName = trim(a.firstName);
    a.lastName = trim(a.lastName);
    a.organisation = trim(a.organisation);
    a.category = trim(a.category).empty() ? "participant" : trim(a.category);
    a.workingGroup = trim(a.workingGroup);
    if (a.firstName.empty() && a.lastName.empty()) return notify("desk.notice.name_required", {}, true);
    if (!w.confirmedNew) {
        // The same person twice would get two badges and count twice in the headcount.
        const std::string name = core::foldForSearch(a.firstName + " " + a.lastName);
        auto same = ctx.db.search(a.firstName + " " + a.lastName, kWalkInMatches);
        if (!same) return fail(same.error());
        for (const auto& other : *same) {
            if (core::foldForSearch(other.firstName + " " + other.lastName) != name) continue;
            m_model.walkIn.firstName = a.firstName;
            m_model.walkIn.lastName = a.lastName;
            findWalkInMatches(ctx);
            return notify("desk.notice.walk_in_duplicate", other.displayName(), true);
        }
    }
    a.status = core::AttendeeStatus::Registered;
    if (a.externalSource.empty()) a.externalSource = "walkin";
    m_dirty = true;
    m_choicesLoaded = false;  // a new category or group may have appeared
    auto added = ctx.db.addAttendee(a, ctx.actor);
    if (!added) return fail(added.error());
    const std::string id = added->id;
    auto r = ctx.db.checkInAttendee(id, ctx.kioskName, ctx.now, ctx.actor, "walk-in");
    if (!r) return fail(r.error());
    if (r->outcome != core::Outcome::CheckedIn) {
        select(id, ctx);
        return notify("desk.outcome." + std::string(core::reasonCode(r->outcome)), added->displayName(),
                      true);
    }
    if (w.printBadge &&
        !enqueueBadge(id, r->checkin ? r->checkin->id : std::string{}, core::PrintJobKind::Badge, ctx))
        return;
    m_model.walkIn = WalkInDraft{};
    m_model.walkIn.category = a.category;  // the next walk-in is likely the same kind
    select(id, ctx);
    notify(w.printBadge && !ctx.print ? "desk.notice.walk_in_no_printer" : "desk.notice.walk_in",
           added->displayName());
}

void DeskController::onExport(ShellContext& ctx) {
    if (ctx.dbPath.empty()) return notify("desk.notice.pin_no_file", {}, true);
    // arrivals-2018-03-16-0930.csv beside the database: the organiser copies it from there
    // (or from a USB stick the database lives on). Names and e-mails: only behind the PIN.
    const std::time_t secs =
        std::chrono::duration_cast<std::chrono::seconds>(ctx.now.time_since_epoch()).count();
    std::tm tm{};
    localtime_r(&secs, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d-%H%M%S", &tm);
    std::error_code ec;
    auto dir = std::filesystem::absolute(std::filesystem::path(ctx.dbPath), ec).parent_path();
    if (ec) dir = std::filesystem::path(ctx.dbPath).parent_path();
    const std::string path = (dir / (std::string("arrivals-") + stamp + ".csv")).string();
    auto rows = ctx.db.exportArrivalsCsv(path);
    if (!rows) return fail(rows.error());
    m_model.lastExport = path;
    notify("desk.notice.exported", std::to_string(*rows) + " \u2192 " + path);
}

void DeskController::onResolve(const ResolveCase& c, ShellContext& ctx) {
    const std::string note = trim(c.note).empty() ? "resolved" : trim(c.note);
    auto st = ctx.db.resolveRefusedScan(c.refusedScanId, ctx.actor, note);
    m_dirty = true;
    if (!st) return fail(st.error());
    notify("desk.notice.resolved");
}

void DeskController::onChangePin(const ChangePin& c, ShellContext& ctx) {
    if (c.newPin != m_model.newPinRepeat) return notify("desk.notice.pin_mismatch", {}, true);
    if (auto rule = checkPinRules(c.newPin); !rule.empty())
        return notify("desk.notice." + std::string(rule.substr(4)), {},
                      true);  // "pin.too_short" → desk.notice.too_short
    if (ctx.dbPath.empty()) return notify("desk.notice.pin_no_file", {}, true);
    auto hash = hashPin(c.newPin);
    if (!hash) return fail(hash.error());
    auto st = savePinHash(pinFileFor(ctx.dbPath), *hash);
    if (!st) return fail(st.error());
    if (ctx.pinLock) ctx.pinLock->setHash(*hash);
    m_model.newPin.clear();
    m_model.newPinRepeat.clear();
    m_dirty = true;
    notify("desk.notice.pin_changed");
}

void DeskController::onRetry(const RetryPrintJob& r, ShellContext& ctx) {
    auto job = ctx.db.printJob(r.printJobId);
    if (!job) return fail(job.error());
    if (!job->has_value()) return notify("desk.notice.not_found", {}, true);
    // Printed here or nowhere: the person was told the badge waits at the desk.
    auto st =
        ctx.db.advancePrintJob((*job)->id, core::PrintStep::retried(ctx.kioskName, {}, ctx.actor, ctx.now));
    m_dirty = true;
    if (!st) return fail(st.error());
    notify(ctx.print ? "desk.notice.retry" : "desk.notice.reprint_no_printer");
}

void DeskController::onDismiss(const DismissPrintJob& d, ShellContext& ctx) {
    auto job = ctx.db.printJob(d.printJobId);
    if (!job) return fail(job.error());
    if (!job->has_value()) return notify("desk.notice.not_found", {}, true);
    const std::string note = trim(d.note).empty() ? std::string("handled at the desk") : trim(d.note);
    auto st = ctx.db.advancePrintJob((*job)->id, core::PrintStep::dismissed(note, ctx.actor, ctx.now));
    m_dirty = true;
    if (!st) return fail(st.error());
    notify("desk.notice.resolved");
}

}  // namespace kiosk::ui
