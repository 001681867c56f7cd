// The check-in engine. One entry point, checks in a fixed order (docs/checkin.md), then one
// BEGIN IMMEDIATE transaction that writes either the arrival or the refused scan:
//   1 sanitize  2 classify / verify own code  3 resolve code  4 event  5 revoked  6 cancelled
//   6b the ticket's own validity (pretix_sig1)  7 doors (not_open_yet / closed)
//   8 already checked in (reentry when the event allows it)  9 write.
// Reading and deciding inside the write transaction makes the decision race-free between
// processes: two kiosks scanning the same code at once yield one checked_in.
#include "engine/engine_steps.hpp"
#include "store/database_impl.hpp"
#include "util_ids.hpp"

#include <kiosk/core/payload.hpp>

namespace kiosk::core {

namespace {

constexpr std::size_t kStoredPayloadBytes = 4096;

std::string escapedForLog(std::string_view raw) {
    if (raw.size() <= kStoredPayloadBytes) return escapeForDisplay(raw);
    return escapeForDisplay(raw.substr(0, kStoredPayloadBytes)) + "…[" + std::to_string(raw.size()) +
           " bytes]";
}

/// A pretix ticket's own validity (Unix seconds, 0 = no limit), separate from the door times.
/// As pretix: valid from `validFrom` on, still valid at `validUntil`.
std::optional<Outcome> ticketWindow(const PretixTicket& t, TimePoint at) {
    const int64_t sec = std::chrono::floor<std::chrono::seconds>(at.time_since_epoch()).count();
    const int64_t ms = toMs(at);
    if (t.validFrom > 0 && sec < t.validFrom) return Outcome::TicketNotYetValid;
    if (t.validUntil > 0 && (sec > t.validUntil || (sec == t.validUntil && ms % 1000 != 0)))
        return Outcome::TicketExpired;
    return std::nullopt;
}

}  // namespace

Result<ScanResult> Database::checkIn(const ScanRequest& req, const EngineOptions& opt) {
    if (auto s = m_impl->requireWritable("check in"); !s) return s.error();
    const EngineSteps eng{*m_impl};
    const std::string nonce = req.nonce.empty() ? ids::newId() : req.nonce;

    // 1–2: pure checks, before any lock is taken.
    const auto clean = sanitizePayload(req.payload);
    ClassifiedPayload cls;
    if (clean) cls = classifyPayload(*clean);

    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    if (auto prior = eng.replay(nonce); !prior) {
        return prior.error();
    } else if (*prior) {
        // Rollback of an empty transaction: nothing written twice; the badge is the first one's.
        if (opt.queueBadge && (*prior)->checkin) {
            auto job = m_impl->loadBadgeJob((*prior)->checkin->id);
            if (!job) return job.error();
            (*prior)->printJob = std::move(*job);
        }
        return std::move(**prior);
    }

    auto ev = m_impl->loadEvent();
    if (!ev) return ev.error();

    ScanResult res;
    res.codeKind = clean ? std::string(codeKindName(cls.kind)) : "unknown";
    std::optional<Resolved> code;
    std::optional<std::string> currentCheckin;
    std::optional<PretixVerification> pretix;  // pretix_sig1 with keys loaded
    bool fromTicket = false;                   // genuine signed ticket, not in the list
    auto doors = [&]() -> std::optional<Outcome> {
        if (!opt.enforceDoors || !*ev) return std::nullopt;
        const Event& e = (*ev)->event;
        if (e.doorsOpenAt != TimePoint{} && req.at < e.doorsOpenAt) return Outcome::NotOpenYet;
        if (e.doorsCloseAt != TimePoint{} && req.at >= e.doorsCloseAt) return Outcome::Closed;
        return std::nullopt;
    };
    auto decide = [&]() -> Result<Outcome> {
        if (!clean) return Outcome::InvalidPayload;
        if (cls.kind == CodeKind::Kiosk) {
            if (!*ev) return Outcome::WrongEvent;  // no event here: the code belongs elsewhere
            const auto check = verifyOwnCode(cls.lookup, (*ev)->event.id,
                                             reinterpret_cast<const unsigned char*>((*ev)->publicKey.data()));
            if ((*ev)->publicKey.size() != 32 || check == OwnCodeCheck::Malformed ||
                check == OwnCodeCheck::BadSignature)
                return Outcome::InvalidPayload;
            if (check == OwnCodeCheck::WrongEvent) return Outcome::WrongEvent;
        }
        // pretix_sig1: verify with the event's pretix keys (none loaded: resolved by the list only).
        if (cls.kind == CodeKind::PretixSigned) {
            auto v = eng.verifyPretix(cls.lookup);
            if (!v) return v.error();
            pretix = *v;
        }
        const bool indico = cls.kind == CodeKind::IndicoV2 || cls.kind == CodeKind::IndicoLegacy;
        // An accompanying person's ticket (Indico ≥ 3.3) is their own code when the import has it.
        if (indico && !cls.companion.empty()) cls.lookup += "/" + cls.companion;
        auto found = eng.findCode(cls.lookup);
        if (!found) return found.error();
        code = *found;
        if (indico && !cls.issuer.empty()) {
            auto host = eng.indicoHost();
            if (!host) return host.error();
            // A known ticket is ours whatever name its server went by (an alias); an unknown one
            // from another server than ours belongs to another event.
            if (!code && !host->empty() && *host != cls.issuer) return Outcome::WrongEvent;
            if (code && host->empty())
                if (auto s = eng.learnIndicoHost(cls.issuer); !s) return s.error();
        }
        // A signed code the list does not carry: a forgery unless a key verifies it.
        if (!code && pretix && pretix->check != PretixCheck::Valid) return Outcome::InvalidPayload;
        if (cls.kind == CodeKind::PretixSigned) {
            // pretix's revoked list wins over a valid signature, in the list or not.
            auto revoked = eng.revokedSecret(cls.lookup);
            if (!revoked) return revoked.error();
            if (*revoked && !code) return Outcome::Revoked;
            if (*revoked) code->revoked = true;
        }
        if (!code && pretix) {
            // Bought after the export, as pretix's own apps admit offline: the same checks as
            // anyone else's, then an attendee is created from the ticket in the write below.
            if (auto window = ticketWindow(pretix->ticket, req.at)) return *window;
            if (auto d = doors()) return *d;
            fromTicket = true;
            return Outcome::CheckedIn;
        }
        if (!code && cls.kind == CodeKind::Eventbrite) {
            auto byPrefix = eng.findByPrefix(cls.lookup);
            if (!byPrefix) return byPrefix.error();
            code = *byPrefix;
        }
        if (!code) return Outcome::UnknownCode;
        // Imported codes belong to this database's event by construction; our own codes were
        // matched against the event id in step 2.
        auto state = eng.attendeeState(code->attendeeId);
        if (!state) return state.error();
        if (!*state) return Outcome::UnknownCode;
        res.attendee = (*state)->first;
        currentCheckin = (*state)->second;
        if (code->revoked) return Outcome::Revoked;
        if (res.attendee->status == AttendeeStatus::Cancelled) return Outcome::Cancelled;
        if (pretix && pretix->check == PretixCheck::Valid)
            if (auto window = ticketWindow(pretix->ticket, req.at)) return *window;
        if (auto d = doors()) return *d;
        if (currentCheckin)
            return *ev && (*ev)->event.reentryAllowed ? Outcome::Reentry : Outcome::AlreadyCheckedIn;
        return Outcome::CheckedIn;
    };
    auto outcome = decide();
    if (!outcome) return outcome.error();
    res.outcome = *outcome;

    if (res.outcome == Outcome::CheckedIn && fromTicket) {
        const Language language = *ev ? (*ev)->event.defaultLanguage : Language::Fr;
        auto made = eng.attendeeFromTicket(pretix->ticket, cls.lookup, language, req.at);
        if (!made) return made.error();
        code = *made;
        auto a = m_impl->loadAttendee(made->attendeeId);
        if (!a) return a.error();
        res.attendee = *a;
    }
    if (res.outcome == Outcome::CheckedIn) {
        auto rec = eng.appendLog(nonce, res.attendee->id, req.at, req.kiosk, CheckinAction::Checkin,
                                 req.actor, "", code ? code->codeId : "");
        if (!rec) return rec.error();
        res.checkin = *rec;
        if (fromTicket) {
            // The desk's case: add the name, print the badge (docs/checkin.md). Its own nonce, so
            // the nonce of the scan still names one fact, the arrival.
            auto ref = eng.writeRefused(nonce + ":ticket", req.at, req.kiosk, Outcome::CheckedIn,
                                        res.codeKind, escapedForLog(req.payload), res.attendee->id, rec->id);
            if (!ref) return ref.error();
            res.caseRef = *ref;
        }
        // A check-in from a ticket the list did not carry has no name yet: the desk prints the
        // badge once it has one.
        if (opt.queueBadge && !fromTicket) {
            // Same transaction as the arrival: a crash leaves both or neither.
            auto job = m_impl->insertPrintJob(
                {res.attendee->id, rec->id, PrintJobKind::Badge, req.kiosk, req.actor, req.at});
            if (!job) return job.error();
            res.printJob = std::move(*job);
        }
    } else if (res.outcome == Outcome::Reentry) {
        // No badge (they have one), no desk case: the check-in in force is reported.
        auto first = m_impl->loadCheckin(*currentCheckin);
        if (!first) return first.error();
        res.firstCheckin = *first;
        if (auto s = eng.writeReentry(nonce, res.attendee->id, *currentCheckin, req.at, req.kiosk,
                                      code ? code->codeId : "");
            !s)
            return s.error();
    } else {
        if (res.outcome == Outcome::AlreadyCheckedIn) {
            auto first = m_impl->loadCheckin(*currentCheckin);
            if (!first) return first.error();
            res.firstCheckin = *first;
        }
        // A scan of an erased person's code must not write their code into the file again.
        const std::string payload =
            code && code->erased ? std::string("[erased]") : escapedForLog(req.payload);
        auto ref = eng.writeRefused(nonce, req.at, req.kiosk, res.outcome, res.codeKind, payload,
                                    res.attendee ? res.attendee->id : "", currentCheckin.value_or(""));
        if (!ref) return ref.error();
        res.caseRef = *ref;
    }
    if (auto s = tx.commit(); !s) return s.error();
    if (res.printJob) notifyOutbox(m_impl->path);
    return res;
}

Result<std::vector<CheckinRecord>> Database::history(const std::string& attendeeId) const {
    static const std::string sql = std::string("SELECT ") + kCheckinCols +
                                   " FROM checkins c WHERE c.attendee_id = ?1 ORDER BY c.at, c.rowid";
    KIOSK_STMT(st, m_impl->conn, sql.c_str());
    st.bind(1, attendeeId);
    std::vector<CheckinRecord> out;
    while (st.step()) out.push_back(readCheckin(st, 0));
    if (st.failed()) return m_impl->conn.error("read history");
    return out;
}

Result<std::vector<CheckinRecord>> Database::recentCheckins(int limit) const {
    static const std::string sql =
        std::string("SELECT ") + kCheckinCols + " FROM checkins c ORDER BY c.at DESC, c.rowid DESC LIMIT ?1";
    KIOSK_STMT(st, m_impl->conn, sql.c_str());
    st.bind(1, limit);
    std::vector<CheckinRecord> out;
    while (st.step()) out.push_back(readCheckin(st, 0));
    if (st.failed()) return m_impl->conn.error("read recent check-ins");
    return out;
}

Result<std::vector<RefusedScan>> Database::refusedScans(bool unresolvedOnly, int limit) const {
    KIOSK_STMT(
        st, m_impl->conn,
        "SELECT id, case_ref, at, kiosk, outcome, payload_escaped, attendee_id, resolved_at IS NOT NULL "
        "FROM refused_scans WHERE (?1 = 0 OR resolved_at IS NULL) ORDER BY at DESC, rowid DESC LIMIT ?2");
    st.bind(1, unresolvedOnly ? 1 : 0).bind(2, limit);
    std::vector<RefusedScan> out;
    while (st.step()) {
        RefusedScan r;
        r.id = st.text(0);
        r.caseRef = st.text(1);
        r.at = fromMs(st.i64(2));
        r.kiosk = st.text(3);
        r.outcome = outcomeFromReasonCode(st.text(4)).value_or(Outcome::InvalidPayload);
        r.payloadEscaped = st.text(5);
        r.attendeeId = st.optText(6);
        r.resolved = st.i64(7) != 0;
        out.push_back(std::move(r));
    }
    if (st.failed()) return m_impl->conn.error("read refused scans");
    return out;
}

}  // namespace kiosk::core
