// The check-in engine. One entry point, checks in a fixed order (docs/checkin.md), then one
// BEGIN IMMEDIATE transaction that writes either the arrival or the refused scan:
//   1 sanitize  2 classify / verify own code  3 resolve code  4 event  5 revoked  6 cancelled
//   6b the ticket's own validity (pretix_sig1)  7 doors (not_open_yet / closed)
//   8 already checked in  9 write.
// Reading and deciding inside the write transaction makes the decision race-free between
// processes: two kiosks scanning the same code at once yield one checked_in.
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

struct Resolved {
    std::string codeId;
    std::string attendeeId;
    bool revoked = false;
};

}  // namespace

/// Engine steps that need the connection; file-local but with access to Impl.
struct EngineSteps {
    const Database::Impl& db;

    Result<std::optional<Resolved>> findCode(const std::string& value) const {
        KIOSK_STMT(st, db.conn, "SELECT id, attendee_id, revoked_at IS NOT NULL FROM codes WHERE value = ?1");
        st.bind(1, value);
        if (st.step()) return std::optional<Resolved>(Resolved{st.text(0), st.text(1), st.i64(2) != 0});
        if (st.failed()) return db.conn.error("look up code");
        return std::optional<Resolved>{};
    }

    /// Eventbrite without a barcode column: order# + attendee# is a prefix of the barcode,
    /// followed by a short ticket sequence. Longest known prefix wins.
    Result<std::optional<Resolved>> findByPrefix(const std::string& digits) const {
        const std::size_t minLen = digits.size() > 6 ? digits.size() - 6 : 1;
        for (std::size_t len = digits.size(); len >= minLen; --len) {
            KIOSK_STMT(st, db.conn,
                       "SELECT id, attendee_id, revoked_at IS NOT NULL FROM codes "
                       "WHERE value = ?1 AND kind = 'eventbrite_prefix'");
            st.bind(1, std::string_view(digits).substr(0, len));
            if (st.step()) return std::optional<Resolved>(Resolved{st.text(0), st.text(1), st.i64(2) != 0});
            if (st.failed()) return db.conn.error("look up code prefix");
        }
        return std::optional<Resolved>{};
    }

    /// pretix_sig1 against the event's keys; nullopt when none are loaded.
    Result<std::optional<PretixVerification>> verifyPretix(const std::string& scanned) const {
        auto keys = db.loadPretixKeys();
        if (!keys) return keys.error();
        if (keys->empty()) return std::optional<PretixVerification>{};
        std::vector<Ed25519PublicKey> raw;
        raw.reserve(keys->size());
        for (const auto& k : *keys) raw.push_back(k.key);
        return std::optional<PretixVerification>(verifyPretixSigned(scanned, raw));
    }

    /// pretix's revoked-secrets list (kiosk import --revoked).
    Result<bool> revokedSecret(const std::string& value) const {
        KIOSK_STMT(st, db.conn, "SELECT 1 FROM revoked_secrets WHERE secret = ?1");
        st.bind(1, value);
        if (st.step()) return true;
        if (st.failed()) return db.conn.error("look up revoked secrets");
        return false;
    }

    /// A genuine signed ticket the list does not carry: the attendee it stands for, created from
    /// the ticket (no name: the desk adds it), with the scanned code, in the caller's transaction.
    Result<Resolved> attendeeFromTicket(const PretixTicket& t, const std::string& value, Language language,
                                        TimePoint at) const {
        Attendee a;
        a.externalSource = "pretix_ticket";
        a.externalId = t.seed;
        a.ticketType = "pretix item " + std::to_string(t.item);
        if (t.variation != 0) a.ticketType += " / variation " + std::to_string(t.variation);
        if (t.subevent != 0) a.ticketType += " / date " + std::to_string(t.subevent);
        a.language = language;
        {
            // Seeds are random; should two tickets share one, the second keeps its own record.
            KIOSK_STMT(st, db.conn,
                       "SELECT 1 FROM attendees WHERE external_source = ?1 AND external_id = ?2");
            st.bind(1, a.externalSource).bind(2, a.externalId);
            if (st.step() || a.externalId.empty()) a.externalId += "~" + ids::newId().substr(0, 8);
            if (st.failed()) return db.conn.error("look up ticket attendee");
        }
        if (auto s = db.insertAttendee(a, at); !s) return s.error();
        Resolved r{ids::newId(), a.id, false};
        KIOSK_STMT(
            st, db.conn,
            "INSERT INTO codes(id, attendee_id, kind, value, created_at) VALUES (?1, ?2, 'pretix', ?3, ?4)");
        st.bind(1, r.codeId).bind(2, a.id).bind(3, value).bind(4, toMs(at));
        st.step();
        if (st.failed()) return db.conn.error("store ticket code");
        if (auto s = db.insertAudit(at, "self", "attendee.from_ticket", a.id,
                                    jsonDetail({{"seed", t.seed},
                                                {"item", std::to_string(t.item)},
                                                {"variation", std::to_string(t.variation)},
                                                {"subevent", std::to_string(t.subevent)}}));
            !s)
            return s.error();
        return r;
    }

    /// Attendee, current check-in id.
    Result<std::optional<std::pair<Attendee, std::optional<std::string>>>> attendeeState(
        const std::string& id) const {
        static const std::string sql = std::string("SELECT ") + kAttendeeCols +
                                       ", a.current_checkin_id FROM attendees a WHERE a.id = ?1";
        KIOSK_STMT(st, db.conn, sql.c_str());
        st.bind(1, id);
        using R = std::optional<std::pair<Attendee, std::optional<std::string>>>;
        if (st.step()) return R(std::make_pair(readAttendee(st, 0), st.optText(13)));
        if (st.failed()) return db.conn.error("read attendee");
        return R{};
    }

    Result<CheckinRecord> appendLog(const std::string& nonce, const std::string& attendeeId, TimePoint at,
                                    const std::string& kiosk, CheckinAction action, const std::string& actor,
                                    const std::string& reason, const std::string& codeId) const {
        CheckinRecord r{ids::newId(), nonce, attendeeId, at, kiosk, action, actor, reason};
        {
            KIOSK_STMT(
                st, db.conn,
                "INSERT INTO checkins(id, nonce, attendee_id, at, kiosk, action, actor, reason, code_id) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
            st.bind(1, r.id).bind(2, nonce).bind(3, attendeeId).bind(4, toMs(at)).bind(5, kiosk);
            st.bind(6, action == CheckinAction::Annul ? "annul" : "checkin").bind(7, actor).bind(8, reason);
            st.bindNullIfEmpty(9, codeId);
            st.step();
            if (st.failed()) return db.conn.error("write check-in");
        }
        KIOSK_STMT(up, db.conn,
                   "UPDATE attendees SET current_checkin_id = ?2, checked_in_at = ?3 WHERE id = ?1");
        up.bind(1, attendeeId);
        if (action == CheckinAction::Checkin) {
            up.bind(2, r.id).bind(3, toMs(at));
        } else {
            up.bindNull(2).bindNull(3);
        }
        up.step();
        if (up.failed()) return db.conn.error("write check-in state");
        return r;
    }

    Result<std::string> writeRefused(const std::string& nonce, TimePoint at, const std::string& kiosk,
                                     Outcome o, std::string_view codeKind, const std::string& payloadEscaped,
                                     const std::string& attendeeId, const std::string& firstCheckinId) const {
        std::string caseRef;
        for (int attempt = 0; attempt < 8 && caseRef.empty(); ++attempt) {
            KIOSK_STMT(chk, db.conn, "SELECT 1 FROM refused_scans WHERE case_ref = ?1");
            std::string candidate = ids::newCaseRef();
            chk.bind(1, candidate);
            if (!chk.step()) {
                if (chk.failed()) return db.conn.error("write refused scan");
                caseRef = std::move(candidate);
            }
        }
        if (caseRef.empty()) return Error{"db.error", "could not allocate a case reference"};
        KIOSK_STMT(
            st, db.conn,
            "INSERT INTO refused_scans(id, nonce, case_ref, at, kiosk, outcome, code_kind, payload_escaped, "
            "attendee_id, first_checkin_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
        st.bind(1, ids::newId()).bind(2, nonce).bind(3, caseRef).bind(4, toMs(at)).bind(5, kiosk);
        st.bind(6, reasonCode(o)).bind(7, codeKind).bind(8, payloadEscaped);
        st.bindNullIfEmpty(9, attendeeId).bindNullIfEmpty(10, firstCheckinId);
        st.step();
        if (st.failed()) return db.conn.error("write refused scan");
        return caseRef;
    }

    /// A nonce seen before: the original outcome, nothing written.
    Result<std::optional<ScanResult>> replay(const std::string& nonce) const {
        std::optional<ScanResult> out;
        {
            static const std::string sql =
                std::string("SELECT ") + kCheckinCols + " FROM checkins c WHERE c.nonce = ?1";
            KIOSK_STMT(st, db.conn, sql.c_str());
            st.bind(1, nonce);
            if (st.step()) {
                ScanResult r;
                r.outcome = Outcome::CheckedIn;
                r.checkin = readCheckin(st, 0);
                r.codeKind = "replay";
                out = std::move(r);
            } else if (st.failed()) {
                return db.conn.error("read check-in");
            }
        }
        std::optional<std::string> firstId;
        if (out) {  // an arrival from a ticket not in the list carries its desk case
            KIOSK_STMT(tk, db.conn, "SELECT case_ref FROM refused_scans WHERE nonce = ?1");
            tk.bind(1, nonce + ":ticket");
            if (tk.step()) out->caseRef = tk.text(0);
            if (tk.failed()) return db.conn.error("read ticket case");
        }
        if (!out) {
            KIOSK_STMT(
                st, db.conn,
                "SELECT outcome, case_ref, code_kind, attendee_id, first_checkin_id FROM refused_scans "
                "WHERE nonce = ?1");
            st.bind(1, nonce);
            if (!st.step()) {
                if (st.failed()) return db.conn.error("read refused scan");
                return std::optional<ScanResult>{};
            }
            ScanResult r;
            r.outcome = outcomeFromReasonCode(st.text(0)).value_or(Outcome::InvalidPayload);
            r.caseRef = st.text(1);
            r.codeKind = st.text(2);
            if (auto id = st.optText(3)) {
                r.attendee.emplace();
                r.attendee->id = *id;
            }
            firstId = st.optText(4);
            out = std::move(r);
        }
        const std::string attendeeId = out->checkin    ? out->checkin->attendeeId
                                       : out->attendee ? out->attendee->id
                                                       : "";
        if (!attendeeId.empty()) {
            auto a = db.loadAttendee(attendeeId);
            if (!a) return a.error();
            out->attendee = *a;
        }
        if (firstId) {
            auto c = db.loadCheckin(*firstId);
            if (!c) return c.error();
            out->firstCheckin = *c;
        }
        return out;
    }
};

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
        auto found = eng.findCode(cls.lookup);
        if (!found) return found.error();
        code = *found;
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
        if (currentCheckin) return Outcome::AlreadyCheckedIn;
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
    } else {
        if (res.outcome == Outcome::AlreadyCheckedIn) {
            auto first = m_impl->loadCheckin(*currentCheckin);
            if (!first) return first.error();
            res.firstCheckin = *first;
        }
        auto ref =
            eng.writeRefused(nonce, req.at, req.kiosk, res.outcome, res.codeKind, escapedForLog(req.payload),
                             res.attendee ? res.attendee->id : "", currentCheckin.value_or(""));
        if (!ref) return ref.error();
        res.caseRef = *ref;
    }
    if (auto s = tx.commit(); !s) return s.error();
    if (res.printJob) notifyOutbox(m_impl->path);
    return res;
}

Result<ScanResult> Database::checkInAttendee(const std::string& attendeeId, const std::string& kiosk,
                                             TimePoint at, const std::string& actor,
                                             const std::string& reason) {
    if (auto s = m_impl->requireWritable("check in"); !s) return s.error();
    const EngineSteps eng{*m_impl};
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s.error();
    auto state = eng.attendeeState(attendeeId);
    if (!state) return state.error();
    if (!*state)
        return Error{"attendee.not_found", "no attendee with id " + attendeeId + "; search by name instead"};
    ScanResult res;
    res.codeKind = "desk";
    res.attendee = (*state)->first;
    const auto& current = (*state)->second;
    const std::string nonce = ids::newId();
    if (res.attendee->status == AttendeeStatus::Cancelled || current) {
        res.outcome = current ? Outcome::AlreadyCheckedIn : Outcome::Cancelled;
        if (current) {
            auto first = m_impl->loadCheckin(*current);
            if (!first) return first.error();
            res.firstCheckin = *first;
        }
        auto ref = eng.writeRefused(nonce, at, kiosk, res.outcome, "desk", "desk:" + attendeeId, attendeeId,
                                    current.value_or(""));
        if (!ref) return ref.error();
        res.caseRef = *ref;
    } else {
        res.outcome = Outcome::CheckedIn;
        auto rec = eng.appendLog(nonce, attendeeId, at, kiosk, CheckinAction::Checkin, actor, reason, "");
        if (!rec) return rec.error();
        res.checkin = *rec;
        if (auto s = m_impl->insertAudit(at, actor, "checkin.desk", attendeeId,
                                         jsonDetail({{"reason", reason}, {"kiosk", kiosk}}));
            !s)
            return s.error();
    }
    if (auto s = tx.commit(); !s) return s.error();
    return res;
}

Status Database::annul(const std::string& attendeeId, const std::string& actor, const std::string& reason,
                       const std::string& kiosk, TimePoint at) {
    if (auto s = m_impl->requireWritable("annul"); !s) return s;
    if (reason.empty()) return Error{"annul.no_reason", "say why the check-in is annulled (--reason)"};
    if (actor.empty()) return Error{"annul.no_actor", "say who annuls the check-in"};
    const EngineSteps eng{*m_impl};
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s;
    auto state = eng.attendeeState(attendeeId);
    if (!state) return state.error();
    if (!*state)
        return Error{"attendee.not_found", "no attendee with id " + attendeeId + " (see `kiosk search`)"};
    if (!(*state)->second)
        return Error{"checkin.not_checked_in",
                     (*state)->first.displayName() + " is not checked in; there is nothing to annul"};
    auto rec = eng.appendLog(ids::newId(), attendeeId, at, kiosk, CheckinAction::Annul, actor, reason, "");
    if (!rec) return rec.error();
    if (auto s = m_impl->insertAudit(
            at, actor, "checkin.annul", attendeeId,
            jsonDetail({{"reason", reason}, {"annulled", *(*state)->second}, {"kiosk", kiosk}}));
        !s)
        return s;
    return tx.commit();
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

Status Database::resolveRefusedScan(const std::string& id, const std::string& actor,
                                    const std::string& note) {
    if (auto s = m_impl->requireWritable("resolve"); !s) return s;
    store::Transaction tx(m_impl->conn);
    if (auto s = tx.begin(); !s) return s;
    std::string attendeeId, scanId;
    {
        KIOSK_STMT(st, m_impl->conn,
                   "SELECT id, attendee_id FROM refused_scans WHERE id = ?1 OR case_ref = ?1");
        st.bind(1, id);
        if (!st.step()) {
            if (st.failed()) return m_impl->conn.error("resolve");
            return Error{"refused.not_found",
                         "no refused scan with id or case reference " + escapeForDisplay(id)};
        }
        scanId = st.text(0);
        attendeeId = st.text(1);
    }
    const auto at = nowUtc();
    {
        KIOSK_STMT(st, m_impl->conn,
                   "UPDATE refused_scans SET resolved_at = ?2, resolved_by = ?3, resolution_note = ?4 WHERE "
                   "id = ?1");
        st.bind(1, scanId).bind(2, toMs(at)).bind(3, actor).bind(4, note);
        st.step();
        if (st.failed()) return m_impl->conn.error("resolve");
    }
    if (auto s = m_impl->insertAudit(at, actor, "refused.resolve", attendeeId,
                                     jsonDetail({{"refused_scan", scanId}, {"note", note}}));
        !s)
        return s;
    return tx.commit();
}

}  // namespace kiosk::core
