// The help desk's operations (kiosk/core/desk.hpp). Each is one BEGIN IMMEDIATE transaction:
// it reads what it decides on and writes every row of the use case (arrival, badge job, closed
// case, audit) inside it, so a crash leaves all of it or none, and two desks racing on the same
// person get one arrival. The older entry points (checkInAttendee, annul, resolveRefusedScan)
// are the same steps with the options they always had.
#include "engine/engine_steps.hpp"
#include "store/database_impl.hpp"
#include "util_ids.hpp"

#include <kiosk/core/payload.hpp>
#include <kiosk/core/text.hpp>

namespace kiosk::core {

namespace {

/// What a refused desk check-in leaves behind.
enum class Refusal {
    OpenCase,    ///< a case in the desk's queue (checkInAttendee: a script's refusal)
    ClosedCase,  ///< recorded and closed at once: it happened at the desk itself
    Nothing,     ///< the caller is closing a case about this person already
};

std::string registeredName(const Attendee& a) {
    return a.firstName + (a.lastName.empty() || a.firstName.empty() ? "" : " ") + a.lastName;
}

}  // namespace

std::string normaliseBadgeName(const Attendee& a, std::string_view typed) {
    std::string name = text::trimBlanks(typed);
    return name == registeredName(a) ? std::string{} : name;
}

/// Desk steps inside the caller's transaction.
struct DeskSteps {
    const Database::Impl& db;
    EngineSteps eng{db};

    Status closeCase(const std::string& scanId, const std::string& attendeeId, const std::string& note,
                     const std::string& action, const DeskContext& who) const {
        {
            KIOSK_STMT(st, db.conn,
                       "UPDATE refused_scans SET resolved_at = ?2, resolved_by = ?3, resolution_note = ?4 "
                       "WHERE id = ?1");
            st.bind(1, scanId).bind(2, toMs(who.at)).bind(3, who.actor).bind(4, note);
            st.step();
            if (st.failed()) return db.conn.error("resolve");
        }
        return db.insertAudit(
            who.at, who.actor, "refused.resolve", attendeeId,
            action.empty() ? jsonDetail({{"refused_scan", scanId}, {"note", note}})
                           : jsonDetail({{"refused_scan", scanId}, {"note", note}, {"action", action}}));
    }

    Result<ScanResult> checkIn(const std::string& attendeeId, const std::string& reason, bool queueBadge,
                               Refusal refusal, const DeskContext& who) const {
        auto state = eng.attendeeState(attendeeId);
        if (!state) return state.error();
        if (!*state)
            return Error{"attendee.not_found",
                         "no attendee with id " + attendeeId + "; search by name instead"};
        ScanResult res;
        res.codeKind = "desk";
        res.attendee = (*state)->first;
        const auto& current = (*state)->second;
        const std::string nonce = ids::newId();
        if (res.attendee->status == AttendeeStatus::Cancelled || current) {
            res.outcome = current ? Outcome::AlreadyCheckedIn : Outcome::Cancelled;
            if (current) {
                auto first = db.loadCheckin(*current);
                if (!first) return first.error();
                res.firstCheckin = *first;
            }
            if (refusal == Refusal::Nothing) return res;
            auto ref = eng.writeRefused(nonce, who.at, who.kiosk, res.outcome, "desk", "desk:" + attendeeId,
                                        attendeeId, current.value_or(""));
            if (!ref) return ref.error();
            res.caseRef = *ref;
            if (refusal == Refusal::ClosedCase) {
                std::string scanId;
                {
                    KIOSK_STMT(st, db.conn, "SELECT id FROM refused_scans WHERE case_ref = ?1");
                    st.bind(1, res.caseRef);
                    if (!st.step()) return db.conn.error("resolve");
                    scanId = st.text(0);
                }
                if (auto s = closeCase(scanId, attendeeId, "seen at the desk", "", who); !s) return s.error();
            }
            return res;
        }
        res.outcome = Outcome::CheckedIn;
        auto rec = eng.appendLog(nonce, attendeeId, who.at, who.kiosk, CheckinAction::Checkin, who.actor,
                                 reason, "");
        if (!rec) return rec.error();
        res.checkin = *rec;
        if (auto s = db.insertAudit(who.at, who.actor, "checkin.desk", attendeeId,
                                    jsonDetail({{"reason", reason}, {"kiosk", who.kiosk}}));
            !s)
            return s.error();
        if (queueBadge) {
            // The person stands at the desk without a badge: the job belongs to this machine.
            auto job =
                db.insertPrintJob({attendeeId, rec->id, PrintJobKind::Badge, who.kiosk, who.actor, who.at});
            if (!job) return job.error();
            res.printJob = std::move(*job);
        }
        return res;
    }
};

// --- check-in ---------------------------------------------------------------------------------

Result<ScanResult> Database::deskCheckIn(const std::string& attendeeId, const std::string& reason,
                                         bool queueBadge, const DeskContext& who) {
    if (auto s = m_impl->requireWritable("check in"); !s) return s.error();
    const std::string why = text::trimBlanks(reason).empty() ? "desk" : text::trimBlanks(reason);
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    auto res = DeskSteps{*m_impl}.checkIn(attendeeId, why, queueBadge, Refusal::ClosedCase, who);
    if (!res) return res.error();
    if (auto s = tx.commit(); !s) return s.error();
    if (res->printJob) notifyOutbox(m_impl->path);
    return res;
}

Result<ScanResult> Database::checkInAttendee(const std::string& attendeeId, const std::string& kiosk,
                                             TimePoint at, const std::string& actor,
                                             const std::string& reason) {
    if (auto s = m_impl->requireWritable("check in"); !s) return s.error();
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    auto res = DeskSteps{*m_impl}.checkIn(attendeeId, reason, false, Refusal::OpenCase, {kiosk, actor, at});
    if (!res) return res.error();
    if (auto s = tx.commit(); !s) return s.error();
    return res;
}

// --- annul --------------------------------------------------------------------------------------

namespace {

/// The annul row naming `cancelled` (a check-in of `attendeeId` no annul names yet) and its
/// audit fact, inside the caller's transaction.
Result<CheckinRecord> writeAnnul(const Database::Impl& db, const std::string& attendeeId,
                                 const std::string& cancelled, const std::string& why,
                                 const DeskContext& who) {
    auto rec = EngineSteps{db}.appendLog(ids::newId(), attendeeId, who.at, who.kiosk, CheckinAction::Annul,
                                         who.actor, why, "", cancelled);
    if (!rec) return rec.error();
    if (auto s = db.insertAudit(who.at, who.actor, "checkin.annul", attendeeId,
                                jsonDetail({{"reason", why}, {"annulled", cancelled}, {"kiosk", who.kiosk}}));
        !s)
        return s.error();
    return rec;
}

Status requireAnnulReasonAndActor(const std::string& why, const DeskContext& who) {
    if (why.empty()) return Error{"annul.no_reason", "say why the check-in is annulled (--reason)"};
    if (who.actor.empty()) return Error{"annul.no_actor", "say who annuls the check-in"};
    return {};
}

}  // namespace

Result<CheckinRecord> Database::deskAnnul(const std::string& attendeeId, const std::string& reason,
                                          const DeskContext& who) {
    if (auto s = m_impl->requireWritable("annul"); !s) return s.error();
    const std::string why = text::trimBlanks(reason);
    if (auto s = requireAnnulReasonAndActor(why, who); !s) return s.error();
    const EngineSteps eng{*m_impl};
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    auto state = eng.attendeeState(attendeeId);
    if (!state) return state.error();
    if (!*state)
        return Error{"attendee.not_found", "no attendee with id " + attendeeId + " (see `kiosk search`)"};
    if (!(*state)->second)
        return Error{"checkin.not_checked_in",
                     (*state)->first.displayName() + " is not checked in; there is nothing to annul"};
    auto rec = writeAnnul(*m_impl, attendeeId, *(*state)->second, why, who);
    if (!rec) return rec.error();
    if (auto s = tx.commit(); !s) return s.error();
    return rec;
}

Result<CheckinRecord> Database::deskAnnulCheckin(const std::string& checkinId, const std::string& reason,
                                                 const DeskContext& who) {
    if (auto s = m_impl->requireWritable("annul"); !s) return s.error();
    const std::string why = text::trimBlanks(reason);
    if (auto s = requireAnnulReasonAndActor(why, who); !s) return s.error();
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    std::string attendeeId;
    bool annulled = false;
    {
        KIOSK_STMT(st, m_impl->conn,
                   "SELECT c.attendee_id, EXISTS (SELECT 1 FROM checkins n WHERE n.action = 'annul' "
                   "AND n.annuls = c.id) FROM checkins c WHERE c.id = ?1 AND c.action = 'checkin'");
        st.bind(1, checkinId);
        if (st.step()) {
            attendeeId = st.text(0);
            annulled = st.i64(1) != 0;
        }
        if (st.failed()) return m_impl->conn.error("read check-in");
    }
    if (attendeeId.empty())
        return Error{"checkin.not_found", "no arrival with id " + checkinId + " (see `kiosk duplicates`)"};
    if (annulled) return Error{"checkin.already_annulled", "this check-in was annulled already"};
    auto rec = writeAnnul(*m_impl, attendeeId, checkinId, why, who);
    if (!rec) return rec.error();
    if (auto s = tx.commit(); !s) return s.error();
    return rec;
}

Status Database::annul(const std::string& attendeeId, const std::string& actor, const std::string& reason,
                       const std::string& kiosk, TimePoint at) {
    auto r = deskAnnul(attendeeId, reason, {kiosk, actor, at});
    if (!r) return r.error();
    return {};
}

// --- walk-in ------------------------------------------------------------------------------------

Result<WalkInResult> Database::registerWalkIn(const WalkInRequest& request, const DeskContext& who) {
    if (auto s = m_impl->requireWritable("walk-in"); !s) return s.error();
    Attendee a = request.attendee;
    a.id.clear();
    a.firstName = text::trimBlanks(a.firstName);
    a.lastName = text::trimBlanks(a.lastName);
    a.organisation = text::trimBlanks(a.organisation);
    a.category = text::trimBlanks(a.category).empty() ? "participant" : text::trimBlanks(a.category);
    a.workingGroup = text::trimBlanks(a.workingGroup);
    a.badgeName.clear();
    a.status = AttendeeStatus::Registered;
    if (a.externalSource.empty()) a.externalSource = "walkin";
    if (a.firstName.empty() && a.lastName.empty())
        return Error{"attendee.no_name", "a walk-in needs a first or a last name"};

    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    WalkInResult out;
    if (!request.confirmedNew) {
        // The same person twice would get two badges and count twice in the headcount. Read in
        // the write transaction: a second desk adding the same name meanwhile is seen.
        const std::string name = foldForSearch(registeredName(a));
        auto same = search(registeredName(a), 50);
        if (!same) return same.error();
        for (auto& other : *same)
            if (foldForSearch(registeredName(other)) == name) out.lookAlikes.push_back(std::move(other));
        if (!out.lookAlikes.empty()) {
            out.outcome = WalkInOutcome::LookAlike;
            return out;  // nothing written: the transaction rolls back
        }
    }
    if (auto s = m_impl->insertAttendee(a, who.at); !s) {
        if (s.error().code == "db.constraint")
            return Error{"attendee.duplicate", "an attendee with external id " + a.externalSource + "/" +
                                                   a.externalId + " already exists"};
        return s.error();
    }
    if (auto s = m_impl->insertAudit(who.at, who.actor, "attendee.walkin", a.id,
                                     jsonDetail({{"name", a.displayName()}, {"category", a.category}}));
        !s)
        return s.error();
    auto r = DeskSteps{*m_impl}.checkIn(a.id, "walk-in", request.printBadge, Refusal::OpenCase, who);
    if (!r) return r.error();
    if (r->outcome != Outcome::CheckedIn)  // a new, registered person: cannot happen
        return Error{"walkin.refused", "the walk-in was refused: " + std::string(reasonCode(r->outcome))};
    out.outcome = WalkInOutcome::Registered;
    out.attendee = a;
    out.checkin = r->checkin;
    out.printJob = r->printJob;
    if (auto s = tx.commit(); !s) return s.error();
    if (out.printJob) notifyOutbox(m_impl->path);
    return out;
}

// --- badge name, reprint --------------------------------------------------------------------------

Result<BadgeRename> Database::renameBadge(const std::string& attendeeId, std::string_view typed,
                                          const DeskContext& who) {
    if (auto s = m_impl->requireWritable("rename"); !s) return s.error();
    const auto clean = sanitizePayload(typed);  // valid UTF-8, no control characters, 4 KiB
    if (!text::trimBlanks(typed).empty() && !clean)
        return Error{"attendee.bad_name", "the badge name must be valid text of at most 4 KiB"};
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    auto a = m_impl->loadAttendee(attendeeId);
    if (!a) return a.error();
    if (!*a) return Error{"attendee.not_found", "no attendee with id " + attendeeId};
    BadgeRename out;
    out.stored = normaliseBadgeName(**a, clean.value_or(""));
    out.shown = out.stored.empty() ? registeredName(**a) : out.stored;
    if (out.stored == (*a)->badgeName) return out;  // unchanged: nothing written
    if (auto s = m_impl->updateBadgeName(**a, out.stored, who.actor, who.at); !s) return s.error();
    if (auto s = tx.commit(); !s) return s.error();
    out.changed = true;
    return out;
}

Result<PrintJob> Database::reprintBadge(const std::string& attendeeId, const DeskContext& who) {
    if (auto s = m_impl->requireWritable("print"); !s) return s.error();
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    auto job = m_impl->insertPrintJob({attendeeId, "", PrintJobKind::Reprint, who.kiosk, who.actor, who.at});
    if (!job) return job.error();
    if (auto s = tx.commit(); !s) return s.error();
    notifyOutbox(m_impl->path);
    return job;
}

// --- cases ----------------------------------------------------------------------------------------

Result<CaseResolution> Database::resolveCase(const std::string& idOrRef, CaseAction action,
                                             const std::string& note, const DeskContext& who) {
    if (auto s = m_impl->requireWritable("resolve"); !s) return s.error();
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    CaseResolution out;
    std::string scanId;
    {
        KIOSK_STMT(st, m_impl->conn,
                   "SELECT id, case_ref, attendee_id FROM refused_scans WHERE id = ?1 OR case_ref = ?1");
        st.bind(1, idOrRef);
        if (!st.step()) {
            if (st.failed()) return m_impl->conn.error("resolve");
            return Error{"refused.not_found",
                         "no refused scan with id or case reference " + escapeForDisplay(idOrRef)};
        }
        scanId = st.text(0);
        out.caseRef = st.text(1);
        out.attendeeId = st.text(2);
    }
    const DeskSteps desk{*m_impl};
    std::string actionName;
    if (action != CaseAction::Close && out.attendeeId.empty())
        return Error{"case.no_attendee",
                     "case " + out.caseRef + " names nobody: find the person with the desk's search first"};
    if (action == CaseAction::CheckIn) {
        actionName = "checkin";
        auto r =
            desk.checkIn(out.attendeeId, "case " + out.caseRef, /*queueBadge=*/true, Refusal::Nothing, who);
        if (!r) return r.error();
        out.printJob = r->printJob;
        out.checkin = std::move(*r);
    } else if (action == CaseAction::Reprint) {
        actionName = "reprint";
        auto job =
            m_impl->insertPrintJob({out.attendeeId, "", PrintJobKind::Reprint, who.kiosk, who.actor, who.at});
        if (!job) return job.error();
        out.printJob = std::move(*job);
    }
    if (auto s = desk.closeCase(scanId, out.attendeeId, note, actionName, who); !s) return s.error();
    if (auto s = tx.commit(); !s) return s.error();
    if (out.printJob) notifyOutbox(m_impl->path);
    return out;
}

Status Database::resolveRefusedScan(const std::string& id, const std::string& actor,
                                    const std::string& note) {
    auto r = resolveCase(id, CaseAction::Close, note, {"", actor, nowUtc()});
    if (!r) return r.error();
    return {};
}

}  // namespace kiosk::core
