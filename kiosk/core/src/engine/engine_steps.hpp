#pragma once
// The check-in engine's steps that need the connection, shared by the scan path
// (engine/checkin.cpp) and the help desk's operations (engine/desk.cpp). Each runs inside the
// caller's BEGIN IMMEDIATE transaction.
#include "store/database_impl.hpp"
#include "util_ids.hpp"

#include <kiosk/core/payload.hpp>

namespace kiosk::core {

struct Resolved {
    std::string codeId;
    std::string attendeeId;
    bool revoked = false;
    bool erased = false;  ///< the code of an erased person: found by its token, never stored again
};

/// Engine steps that need the connection, with access to Impl.
struct EngineSteps {
    const Database::Impl& db;

    Result<std::optional<Resolved>> findCode(const std::string& value) const {
        {
            KIOSK_STMT(st, db.conn,
                       "SELECT id, attendee_id, revoked_at IS NOT NULL FROM codes WHERE value = ?1");
            st.bind(1, value);
            if (st.step()) return std::optional<Resolved>(Resolved{st.text(0), st.text(1), st.i64(2) != 0});
            if (st.failed()) return db.conn.error("look up code");
        }
        return findErased(value);
    }

    /// An erased person's code is stored as its token only (store/privacy.cpp): looked up when
    /// the value itself is not found, so the scan says `revoked` (not unknown, not a new ticket).
    Result<std::optional<Resolved>> findErased(std::string_view value) const {
        KIOSK_STMT(st, db.conn,
                   "SELECT id, attendee_id FROM codes WHERE value = ?1 AND revoked_reason = 'erased'");
        st.bind(1, erasedToken(value));
        if (st.step()) return std::optional<Resolved>(Resolved{st.text(0), st.text(1), true, true});
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
        for (std::size_t len = digits.size(); len >= minLen; --len) {
            auto erased = findErased(std::string_view(digits).substr(0, len));
            if (!erased || *erased) return erased;
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

    /// The Indico server whose tickets belong to this event ('' = not known yet).
    Result<std::string> indicoHost() const {
        KIOSK_STMT(st, db.conn, "SELECT indico_host FROM event LIMIT 1");
        if (st.step()) return st.text(0);
        if (st.failed()) return db.conn.error("read the Indico server");
        return std::string();
    }

    /// The first ticket that resolves to an imported registration names our Indico server:
    /// from then on, a ticket of another server that the list does not know is `wrong_event`.
    Status learnIndicoHost(const std::string& host) const {
        KIOSK_STMT(st, db.conn, "UPDATE event SET indico_host = ?1 WHERE indico_host = ''");
        st.bind(1, host);
        st.step();
        if (st.failed()) return db.conn.error("store the Indico server");
        return {};
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
        if (st.step()) return R(std::make_pair(readAttendee(st, 0), st.optText(kAttendeeColCount)));
        if (st.failed()) return db.conn.error("read attendee");
        return R{};
    }

    Result<CheckinRecord> appendLog(const std::string& nonce, const std::string& attendeeId, TimePoint at,
                                    const std::string& kiosk, CheckinAction action, const std::string& actor,
                                    const std::string& reason, const std::string& codeId,
                                    const std::string& annuls = {}) const {
        CheckinRecord r{ids::newId(), nonce, attendeeId, at, kiosk, action, actor, reason, annuls};
        {
            KIOSK_STMT(
                st, db.conn,
                "INSERT INTO checkins(id, nonce, attendee_id, at, kiosk, action, actor, reason, code_id, "
                "annuls) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
            st.bind(1, r.id).bind(2, nonce).bind(3, attendeeId).bind(4, toMs(at)).bind(5, kiosk);
            st.bind(6, action == CheckinAction::Annul ? "annul" : "checkin").bind(7, actor).bind(8, reason);
            st.bindNullIfEmpty(9, codeId).bindNullIfEmpty(10, annuls);
            st.step();
            if (st.failed()) return db.conn.error("write check-in");
        }
        // The rule that also decides logs merged from several machines: the earliest check-in
        // no annul names (store/replication.cpp).
        if (auto s = db.refreshInForce(attendeeId); !s) return s.error();
        return r;
    }

    /// Someone already in, back in: logged, the check-in in force unchanged (not an arrival).
    Status writeReentry(const std::string& nonce, const std::string& attendeeId, const std::string& checkinId,
                        TimePoint at, const std::string& kiosk, const std::string& codeId) const {
        KIOSK_STMT(st, db.conn,
                   "INSERT INTO reentries(id, nonce, attendee_id, checkin_id, at, kiosk, code_id) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        st.bind(1, ids::newId()).bind(2, nonce).bind(3, attendeeId).bind(4, checkinId).bind(5, toMs(at));
        st.bind(6, kiosk).bindNullIfEmpty(7, codeId);
        st.step();
        if (st.failed()) return db.conn.error("write re-entry");
        return {};
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
            KIOSK_STMT(st, db.conn, "SELECT attendee_id, checkin_id FROM reentries WHERE nonce = ?1");
            st.bind(1, nonce);
            if (st.step()) {
                ScanResult r;
                r.outcome = Outcome::Reentry;
                r.codeKind = "replay";
                r.attendee.emplace();
                r.attendee->id = st.text(0);
                firstId = st.text(1);
                out = std::move(r);
            } else if (st.failed()) {
                return db.conn.error("read re-entry");
            }
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

}  // namespace kiosk::core
