#include <kiosk/ui/desk_controller.hpp>

#include <kiosk/ui/strings.hpp>

#include <kiosk/core/access.hpp>
#include <kiosk/core/log.hpp>
#include <kiosk/core/payload.hpp>
#include <kiosk/core/text.hpp>
#include <kiosk/printing/printer.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <set>

namespace kiosk::ui {

namespace {

using SteadyClock = std::chrono::steady_clock;

double msSince(SteadyClock::time_point start) {
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

using core::text::trimBlanks;

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
    m_model.busy = m_inFlight > 0;
    ++m_generation;
    m_dirty = true;
}

core::DeskContext DeskController::who(const ShellContext& ctx) const {
    return core::DeskContext{ctx.kioskName, ctx.actor, ctx.now};
}

void DeskController::submit(std::function<Reply(core::Database&)> work, ShellContext& ctx) {
    if (!m_workerTried) {
        m_workerTried = true;
        if (auto w = core::DatabaseWorker::start(ctx.db.path()); w)
            m_worker = std::move(w).value();
        else
            std::fprintf(stderr, "kiosk: desk: no worker connection (%s): desk writes run on the window's\n",
                         w.error().message.c_str());
    }
    ++m_inFlight;
    m_model.busy = true;
    if (!m_worker) {  // no second connection: as before, on this thread
        m_replies.post({m_generation, work(ctx.db)});
        return applyReplies(ctx);
    }
    m_worker->submit([work = std::move(work), replies = &m_replies,
                      generation = m_generation](core::Database& db) {
        Reply reply;
        try {
            reply = work(db);
        } catch (const std::exception& e) {
            const std::string what = e.what();
            reply = [what](DeskController& d, ShellContext&) { d.notify("desk.notice.error", what, true); };
        }
        replies->post({generation, std::move(reply)});
    });
}

void DeskController::applyReplies(ShellContext& ctx) {
    for (auto& posted : m_replies.take()) {
        --m_inFlight;
        m_dirty = true;
        if (posted.reply && posted.generation == m_generation) posted.reply(*this, ctx);
    }
    m_model.busy = m_inFlight > 0;
}

bool DeskController::settle(ShellContext& ctx, std::chrono::milliseconds timeout) {
    const auto until = SteadyClock::now() + timeout;
    while (m_inFlight > 0 && SteadyClock::now() < until) {
        for (auto& posted : m_replies.waitTake(std::chrono::milliseconds(20)))
            m_replies.post(std::move(posted));
        applyReplies(ctx);
    }
    return m_inFlight == 0;
}

void DeskController::refresh(ShellContext& ctx) {
    applyReplies(ctx);
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
    m_model.retentionPassed.clear();
    if (auto r = ctx.db.retention(ctx.now); r.ok() && r->purgeDue())
        m_model.retentionPassed = formatLocalTime(*r->until, true);
    // Without a PIN in `<db>.pin` the only way in was the demo PIN: keep asking to change it.
    if (!ctx.dbPath.empty()) {
        auto stored = core::loadPinHash(core::pinFileFor(ctx.dbPath));
        m_model.demoPinWarning = stored.ok() && !stored->has_value();
    }
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
    const std::string q = trimBlanks(m_model.query);
    if (q.empty()) return;
    auto found = ctx.db.findAttendees(q, kSearchLimit + 1);
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
    // Two machines each let the same person in while they could not see each other (issue 11).
    if (auto dups = ctx.db.duplicates(/*openOnly=*/true); dups.ok()) {
        auto side = [](const core::DuplicateSide& s) {
            return DeskCaseSide{s.checkinId, s.kiosk, formatLocalTime(s.at), s.late()};
        };
        for (const auto& d : *dups) {
            DeskCase c;
            c.kind = DeskCase::Kind::Duplicate;
            c.id = d.second.checkinId;
            c.timeLocal = formatLocalTime(d.second.at);
            c.kiosk = d.second.kiosk;
            c.reason = "duplicate";
            c.attendeeId = d.attendeeId;
            c.attendeeName = d.name;
            c.first = side(d.first);
            c.second = side(d.second);
            cases.emplace_back(d.second.at, std::move(c));
        }
    } else {
        fail(dups.error());
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
    m_model.eraseReason.clear();
    loadSelected(ctx);
    if (m_model.selected) m_model.badgeName = m_model.selected->attendee.displayName();
}

void DeskController::notify(std::string key, std::string arg, bool error) {
    m_model.notice = DeskNotice{std::move(key), std::move(arg), error};
}

void DeskController::fail(const core::Error& e) {
    core::logError("help desk: " + e.code + ": " + e.message);
    notify("desk.notice.error", e.code + ": " + e.message, true);
}

bool DeskController::handle(const Intent& intent, ShellContext& ctx) {
    bool handled = true;
    std::visit(
        [&](const auto& i) {
            using T = std::decay_t<decltype(i)>;
            if constexpr (std::is_same_v<T, SearchAttendees>) {
                m_model.query = i.text;
                runSearch(ctx);  // on change only: the field pushes this when the text changed
                if (!trimBlanks(i.text).empty() && m_model.page != DeskPage::Search)
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
            } else if constexpr (std::is_same_v<T, EraseAttendee>) {
                onErase(i, ctx);
            } else if constexpr (std::is_same_v<T, ResolveDuplicate>) {
                onResolveDuplicate(i, ctx);
            } else if constexpr (std::is_same_v<T, AnnulDuplicate>) {
                onAnnulDuplicate(i, ctx);
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
        case DeskField::EraseReason:
            m_model.eraseReason = e.text;
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

namespace {

/// The notice for a core error whose code the desk explains in its own words.
std::string noticeKeyFor(const core::Error& e) {
    if (e.code == "annul.no_reason") return "desk.notice.reason_required";
    if (e.code == "attendee.no_name") return "desk.notice.name_required";
    // Gone or changed since the screen was drawn: another desk resolved it, a machine's annul
    // arrived through the sync.
    if (e.code == "attendee.not_found" || e.code == "print.not_found" || e.code == "refused.not_found" ||
        e.code == "duplicate.not_found" || e.code == "duplicate.already_resolved" ||
        e.code == "checkin.not_found" || e.code == "checkin.already_annulled")
        return "desk.notice.not_found";
    return {};
}

}  // namespace

void DeskController::failWith(const core::Error& e) {
    if (auto key = noticeKeyFor(e); !key.empty()) return notify(key, {}, true);
    fail(e);
}

void DeskController::onCheckIn(const CheckInAttendee& a, ShellContext& ctx) {
    submit(
        [id = a.attendeeId, reason = a.reason, by = who(ctx),
         printer = ctx.print != nullptr](core::Database& db) {
            // The person stands at the desk without a badge: it prints like a kiosk's would, at
            // this machine or nowhere, written with the arrival.
            auto r = db.deskCheckIn(id, reason, /*queueBadge=*/true, by);
            return Reply([r = std::move(r), id, printer](DeskController& d, ShellContext& ctx) {
                if (!r) return d.failWith(r.error());
                const std::string name = r->attendee ? r->attendee->displayName() : std::string{};
                switch (r->outcome) {
                    case core::Outcome::CheckedIn:
                        d.m_model.checkinReason.clear();
                        d.notify(printer ? "desk.notice.checked_in" : "desk.notice.checked_in_no_printer",
                                 name);
                        break;
                    case core::Outcome::AlreadyCheckedIn:
                        // The core recorded the attempt as a case closed at once: it happened
                        // here, it is not sent back to the same volunteer's queue.
                        d.notify("desk.notice.already_checked_in",
                                 r->firstCheckin
                                     ? formatLocalTime(r->firstCheckin->at) + " · " + r->firstCheckin->kiosk
                                     : std::string{},
                                 true);
                        break;
                    default:
                        d.notify("desk.outcome." + std::string(core::reasonCode(r->outcome)), name, true);
                        break;
                }
                d.select(id, ctx);
            });
        },
        ctx);
}

void DeskController::onAnnul(const Annul& a, ShellContext& ctx) {
    submit(
        [id = a.attendeeId, reason = a.reason, by = who(ctx)](core::Database& db) {
            auto r = db.deskAnnul(id, reason, by);
            return Reply([r = std::move(r), id](DeskController& d, ShellContext& ctx) {
                if (!r) return d.failWith(r.error());
                d.m_model.annulReason.clear();
                d.select(id, ctx);
                d.notify("desk.notice.annulled",
                         d.m_model.selected ? d.m_model.selected->attendee.displayName() : std::string{});
            });
        },
        ctx);
}

void DeskController::onErase(const EraseAttendee& a, ShellContext& ctx) {
    const std::string reason = trimBlanks(a.reason);
    if (reason.empty()) return notify("desk.notice.erase_reason_required", {}, true);
    // One core operation (store/privacy.cpp) on the worker: fields blanked, codes revoked, the
    // file rewritten; the window does not wait for the VACUUM.
    submit(
        [id = a.attendeeId, reason, by = who(ctx)](core::Database& db) {
            auto r = db.erase(id, reason, by.actor, by.at);
            return Reply([r = std::move(r), id](DeskController& d, ShellContext&) {
                if (!r) return d.failWith(r.error());
                d.m_model.eraseReason.clear();
                if (d.m_model.selected && d.m_model.selected->attendee.id == id) d.m_model.selected.reset();
                d.m_model.page = DeskPage::Search;
                if (!r->fileCleaned)
                    return d.notify("desk.notice.erased_not_cleaned", r->cleanupProblem, true);
                d.notify("desk.notice.erased");
            });
        },
        ctx);
}

void DeskController::onResolveDuplicate(const ResolveDuplicate& a, ShellContext& ctx) {
    submit(
        [a, by = who(ctx)](core::Database& db) {
            auto st =
                db.resolveDuplicate(a.checkinId, a.firstCheckinId, by.actor, "same person, fine", by.at);
            return Reply(
                [ok = st.ok(), err = st.ok() ? core::Error{} : st.error()](DeskController& d, ShellContext&) {
                    if (!ok) return d.failWith(err);
                    d.notify("desk.notice.duplicate_resolved");
                });
        },
        ctx);
}

void DeskController::onAnnulDuplicate(const AnnulDuplicate& a, ShellContext& ctx) {
    submit(
        [a, by = who(ctx)](core::Database& db) {
            // The other check-in of the pair stays in force: the person is still in, once.
            auto r = db.deskAnnulCheckin(a.checkinId, "duplicate of check-in " + a.otherCheckinId, by);
            return Reply([r = std::move(r)](DeskController& d, ShellContext& ctx) {
                if (!r) return d.failWith(r.error());
                d.notify("desk.notice.duplicate_annulled");
                if (d.m_model.selected && d.m_model.selected->attendee.id == r->attendeeId)
                    d.loadSelected(ctx);
            });
        },
        ctx);
}

void DeskController::onReprint(const Reprint& a, ShellContext& ctx) {
    submit(
        [id = a.attendeeId, by = who(ctx), printer = ctx.print != nullptr](core::Database& db) {
            auto r = db.reprintBadge(id, by);
            return Reply([ok = r.ok(), err = r.ok() ? core::Error{} : r.error(), id, printer](
                             DeskController& d, ShellContext& ctx) {
                if (!ok) return d.failWith(err);
                d.notify(printer ? "desk.notice.reprint" : "desk.notice.reprint_no_printer");
                if (d.m_model.selected && d.m_model.selected->attendee.id == id) d.loadSelected(ctx);
            });
        },
        ctx);
}

void DeskController::onRename(const RenameForBadge& a, ShellContext& ctx) {
    submit(
        [id = a.attendeeId, typed = a.badgeName, by = who(ctx)](core::Database& db) {
            auto r = db.renameBadge(id, typed, by);
            return Reply([r = std::move(r), id](DeskController& d, ShellContext& ctx) {
                if (!r) return d.failWith(r.error());
                if (!r->changed) return d.notify("desk.notice.unchanged");
                d.select(id, ctx);
                d.notify("desk.notice.renamed", r->shown);
            });
        },
        ctx);
}

void DeskController::onWalkIn(const RegisterWalkIn& w, ShellContext& ctx) {
    core::WalkInRequest req{w.attendee, w.printBadge, w.confirmedNew};
    submit(
        [req = std::move(req), by = who(ctx), printer = ctx.print != nullptr](core::Database& db) {
            auto r = db.registerWalkIn(req, by);
            return Reply([r = std::move(r), req, printer](DeskController& d, ShellContext& ctx) {
                if (!r) return d.failWith(r.error());
                if (r->outcome == core::WalkInOutcome::LookAlike) {
                    // Show the registered record(s): the usual resolution is opening one.
                    d.m_model.walkIn.firstName = trimBlanks(req.attendee.firstName);
                    d.m_model.walkIn.lastName = trimBlanks(req.attendee.lastName);
                    d.findWalkInMatches(ctx);
                    const std::string other =
                        r->lookAlikes.empty() ? std::string{} : r->lookAlikes.front().displayName();
                    return d.notify("desk.notice.walk_in_duplicate", other, true);
                }
                d.m_choicesLoaded = false;  // a new category or group may have appeared
                d.m_model.walkIn = WalkInDraft{};
                d.m_model.walkIn.category = r->attendee.category;  // the next walk-in is likely the same kind
                d.select(r->attendee.id, ctx);
                d.notify(
                    req.printBadge && !printer ? "desk.notice.walk_in_no_printer" : "desk.notice.walk_in",
                    r->attendee.displayName());
            });
        },
        ctx);
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
    submit(
        [path](core::Database& db) {
            auto rows = db.exportArrivalsCsv(path);
            return Reply([rows = std::move(rows), path](DeskController& d, ShellContext&) {
                if (!rows) return d.fail(rows.error());
                d.m_model.lastExport = path;
                d.notify("desk.notice.exported", std::to_string(*rows) + " \u2192 " + path);
            });
        },
        ctx);
}

void DeskController::onResolve(const ResolveCase& c, ShellContext& ctx) {
    const std::string note = trimBlanks(c.note).empty() ? "resolved" : trimBlanks(c.note);
    submit(
        [id = c.refusedScanId, action = c.action, note, by = who(ctx),
         printer = ctx.print != nullptr](core::Database& db) {
            auto r = db.resolveCase(id, action, note, by);
            return Reply([r = std::move(r), action, printer](DeskController& d, ShellContext& ctx) {
                if (!r) return d.failWith(r.error());
                if (action == core::CaseAction::CheckIn && r->checkin) {
                    const auto& s = *r->checkin;
                    const std::string name = s.attendee ? s.attendee->displayName() : std::string{};
                    if (s.outcome == core::Outcome::CheckedIn)
                        d.notify(printer ? "desk.notice.checked_in" : "desk.notice.checked_in_no_printer",
                                 name);
                    else if (s.outcome == core::Outcome::AlreadyCheckedIn)
                        d.notify("desk.notice.already_checked_in",
                                 s.firstCheckin
                                     ? formatLocalTime(s.firstCheckin->at) + " · " + s.firstCheckin->kiosk
                                     : std::string{});
                    else
                        d.notify("desk.outcome." + std::string(core::reasonCode(s.outcome)), name, true);
                    if (d.m_model.selected && d.m_model.selected->attendee.id == r->attendeeId)
                        d.loadSelected(ctx);
                    return;
                }
                if (action == core::CaseAction::Reprint)
                    return d.notify(printer ? "desk.notice.reprint" : "desk.notice.reprint_no_printer");
                d.notify("desk.notice.resolved");
            });
        },
        ctx);
}

void DeskController::onChangePin(const ChangePin& c, ShellContext& ctx) {
    if (c.newPin != m_model.newPinRepeat) return notify("desk.notice.pin_mismatch", {}, true);
    if (auto rule = core::checkPinRules(c.newPin); !rule.empty())
        return notify("desk.notice." + std::string(rule.substr(4)), {},
                      true);  // "pin.too_short" → desk.notice.too_short
    if (ctx.dbPath.empty()) return notify("desk.notice.pin_no_file", {}, true);
    // argon2id takes ~0.1 s and 64 MiB: on the worker, never in a frame. The PIN changed is the
    // one of the volunteer who unlocked the desk (the shared PIN for "desk").
    const std::string volunteer = ctx.pinLock ? ctx.pinLock->unlockedBy() : std::string{};
    submit(
        [pin = c.newPin, file = core::pinFileFor(ctx.dbPath), volunteer](core::Database&) {
            auto hash = core::setPin(file, pin, volunteer);
            return Reply([hash = std::move(hash), volunteer](DeskController& d, ShellContext& ctx) {
                if (!hash) {
                    if (hash.error().code == "pin.taken") return d.notify("desk.notice.pin_taken", {}, true);
                    return d.fail(hash.error());
                }
                if (ctx.pinLock) ctx.pinLock->setHash(*hash, volunteer);
                d.m_model.newPin.clear();
                d.m_model.newPinRepeat.clear();
                d.notify("desk.notice.pin_changed");
            });
        },
        ctx);
}

void DeskController::onRetry(const RetryPrintJob& r, ShellContext& ctx) {
    submit(
        [id = r.printJobId, by = who(ctx), printer = ctx.print != nullptr](core::Database& db) {
            // Printed here or nowhere: the person was told the badge waits at the desk.
            auto st = db.advancePrintJob(id, core::PrintStep::retried(by.kiosk, {}, by.actor, by.at));
            return Reply([ok = st.ok(), err = st.ok() ? core::Error{} : st.error(), printer](
                             DeskController& d, ShellContext&) {
                if (!ok) return d.failWith(err);
                d.notify(printer ? "desk.notice.retry" : "desk.notice.reprint_no_printer");
            });
        },
        ctx);
}

void DeskController::onDismiss(const DismissPrintJob& dj, ShellContext& ctx) {
    const std::string note =
        trimBlanks(dj.note).empty() ? std::string("handled at the desk") : trimBlanks(dj.note);
    submit(
        [id = dj.printJobId, note, by = who(ctx)](core::Database& db) {
            auto st = db.advancePrintJob(id, core::PrintStep::dismissed(note, by.actor, by.at));
            return Reply(
                [ok = st.ok(), err = st.ok() ? core::Error{} : st.error()](DeskController& d, ShellContext&) {
                    if (!ok) return d.failWith(err);
                    d.notify("desk.notice.resolved");
                });
        },
        ctx);
}

void DeskController::findWalkInMatches(ShellContext& ctx) {
    auto& w = m_model.walkIn;
    w.matches.clear();
    w.matchesCheckedIn.clear();
    const std::string q = trimBlanks(w.firstName + " " + w.lastName);
    if (core::foldForSearch(q).size() < 2) return;  // one letter matches half the event
    auto found = ctx.db.search(q, kWalkInMatches);
    if (!found) return fail(found.error());
    for (auto& a : *found) {
        auto h = ctx.db.history(a.id);
        w.matchesCheckedIn.push_back(h.ok() && isCheckedIn(*h));
        w.matches.push_back(std::move(a));
    }
}

}  // namespace kiosk::ui
