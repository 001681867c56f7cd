#include "attendee_controller.hpp"

#include <kiosk/core/log.hpp>

#include <kiosk/ui/desk_model.hpp>  // formatLocalTime
#include <kiosk/ui/font_loader.hpp>

#include <kiosk/printing/printer.hpp>
#include <kiosk/ui.hpp>

#include <cstdio>

namespace kiosk::ui {

AttendeeController::AttendeeController(AttendeeOptions options, std::unique_ptr<core::CheckinWorker> worker,
                                       FrameStats& stats)
    : m_opt(std::move(options)), m_worker(std::move(worker)), m_stats(stats) {}

AttendeeController::~AttendeeController() = default;

void AttendeeController::setEvent(const std::string& name, core::Language defaultLanguage) {
    m_state.eventName = name;
    m_state.kioskLanguage = m_state.shownLanguage = defaultLanguage;
}

void AttendeeController::submitScan(std::string payload, Clock::time_point codeAt, core::TimePoint utc,
                                    std::string origin, bool badge) {
    if (!m_worker) return;  // dashboard-only: scans are not taken
    core::CheckinJob job;
    job.id = m_nextJobId++;
    job.request.payload = std::move(payload);
    job.request.kiosk = m_opt.kioskName;
    job.request.at = utc;
    job.queueBadge = badge;  // the arrival and its badge job: one transaction in the core
    job.codeAt = codeAt;
    job.origin = std::move(origin);
    m_state.checking = true;
    m_worker->submit(std::move(job));
}

void AttendeeController::onCheckinDone(core::CheckinDone& d, ShellContext& ctx) {
    const auto now = ctx.steadyNow;
    m_stats.checkinDb(d.dbMs);
    if (!d.result) {
        core::logError("check-in failed at " + m_opt.kioskName + " (" + d.origin + "): " + d.error.code +
                       ": " + d.error.message + "; the attendee was sent to the help desk");
        // The attendee is sent to the desk; the status line and the desk say why.
        ctx.writeProblem = d.error.code + ": " + d.error.message;
        applyCheckinError(m_state, now, m_opt.timings);
        m_sound.play(Tone::Attention);
        return;
    }
    if (!ctx.writeProblem.empty()) core::logInfo("check-ins are saved again at " + m_opt.kioskName);
    ctx.writeProblem.clear();
    const core::ScanResult& r = *d.result;
    const bool printing = ctx.print != nullptr && r.printJob.has_value();
    applyScanResult(m_state, r, ctx.print != nullptr, now, m_opt.timings);
    if (r.outcome == core::Outcome::CheckedIn) {
        m_stats.welcomeComing(d.codeAt, printing ? r.printJob->id : std::string());
        // The job was written with the arrival; the print service learns of it from the store
        // (the window relays nothing). The screen only follows its progress.
        if (printing) attachPrintJob(m_state, r.printJob->id);
    }
    m_sound.play(toneFor(m_state.outcome));
}

void AttendeeController::drain(ShellContext& ctx, const std::vector<printing::PrintEvent>& printEvents,
                               Clock::time_point now) {
    if (m_worker)
        for (auto& done : m_worker->poll()) onCheckinDone(done, ctx);
    for (const auto& ev : printEvents) {
        applyPrintProgress(m_state, ev.jobId, ev.state, ev.progress,
                           !ev.errorCode.empty() && ev.progress <= 0.f);
        if (ev.stage == "accepted") m_stats.printAccepted(ev.jobId, ev.at);
    }
    tick(m_state, now);
}

void AttendeeController::takePreview(scanner::ScanService& scan) {
    if (scan.latestPreview(m_preview)) m_previewFresh = true;
}

bool AttendeeController::uploadPreview(Backend& backend) {
    if (!m_previewFresh || m_preview.rgba.empty()) return false;
    m_previewTexture =
        backend.updateTexture(m_previewTexture, m_preview.rgba.data(), m_preview.width, m_preview.height);
    m_textureW = m_preview.width;
    m_textureH = m_preview.height;
    m_previewFresh = false;
    return true;
}

bool AttendeeController::handle(const Intent& intent, ShellContext& ctx, bool takesScans,
                                Clock::time_point now, core::TimePoint utc) {
    if (const auto* i = std::get_if<SetLanguage>(&intent)) {
        setLanguage(m_state, i->language);
        return true;
    }
    if (const auto* i = std::get_if<SubmitCode>(&intent)) {
        if (takesScans) submitScan(i->payload, now, utc, "test", ctx.print != nullptr);
        return true;
    }
    if (std::holds_alternative<DismissResult>(intent)) {
        dismiss(m_state);
        return true;
    }
    return false;
}

std::string AttendeeController::statusLine(const ShellContext& ctx) const {
    const Strings& text = ctx.text;
    // The language on screen: the attendee's own while their welcome shows, like the rest.
    const core::Language l = m_state.shownLanguage;
    // Device states are stable codes ("running", "unreachable" …); the line shows them in words.
    std::string s = m_opt.kioskName;
    if (!ctx.writeProblem.empty()) s = "\u26A0 " + text.get(l, "status.not_saved") + "  ·  " + s;
    if (m_opt.noCamera)
        s += "  ·  " + text.get(l, "status.no_camera");
    else
        s += "  ·  " + text.format(l, "status.camera", {{"state", text.stateWord(l, ctx.scanner.state)}});
    if (ctx.print)
        s += "  ·  " + text.format(l, "status.printer", {{"state", text.stateWord(l, ctx.printer.state)}});
    else
        s += "  ·  " + text.get(l, "status.no_printer");
    if (!m_sound.available()) s += "  ·  " + text.get(l, "status.no_audio");
    if (ctx.sync) {
        // Issue 11: "online", or "offline since 10:42 · 37 to send" (local time of the machine).
        if (ctx.sync->online) {
            s += "  ·  " + text.get(l, "status.sync_online");
        } else {
            s += "  ·  " +
                 text.format(l, "status.sync_offline",
                             {{"time", formatLocalTime(ctx.sync->offlineSince, false).substr(0, 5)}});
            if (ctx.sync->toSend > 0)
                s += " · " + text.format(l, "status.sync_to_send", {{"n", std::to_string(ctx.sync->toSend)}});
        }
    }
    return s;
}

std::pair<std::string, std::string> AttendeeController::topBar(const ShellContext& ctx) const {
    const core::Language l = m_state.shownLanguage;
    return {ctx.text.get(l, "attendee.staff"),
            ctx.text.get(l, ctx.largeText ? "attendee.normal_text" : "attendee.larger_text")};
}

AttendeeView AttendeeController::view(const ShellContext& ctx, bool cameraAvailable) {
    const Strings& text = ctx.text;
    const Fonts& f = *ctx.fonts;
    // Everything on the public screen in one language: the top bar (topBar()) and the status
    // line follow the welcome into the attendee's language (issue 9: "Équipe" and "A+ Texte
    // agrandi" above a Dutch welcome).
    AttendeeView v;
    v.screen = describe(m_state, text, cameraAvailable, m_opt.badgePickup);
    v.language = m_state.shownLanguage;  // a result shows in the attendee's own language
    v.languageNames = {text.get(core::Language::Fr, "language.fr"),
                       text.get(core::Language::Nl, "language.nl"),
                       text.get(core::Language::En, "language.en")};
    v.fonts = &f;
    // A name with letters outside the large font's set is drawn in the body font instead.
    if (!m_state.firstName.empty() && !FontLoader::hasAllGlyphs(f.title, v.screen.headline)) {
        m_fallbackFonts = f;
        m_fallbackFonts.title = f.body;
        v.fonts = &m_fallbackFonts;
    }
    v.pixelsPerMm = ctx.pixelsPerMm;
    v.largeText = ctx.largeText;
    auto [staff, large] = topBar(ctx);
    v.staffLabel = std::move(staff);
    v.largeTextLabel = std::move(large);
    if (m_previewTexture && cameraAvailable) {
        v.previewTexture = m_previewTexture;
        v.previewWidth = m_textureW;
        v.previewHeight = m_textureH;
        v.previewHasCode = m_preview.hasCode;
        for (int i = 0; i < 4; ++i)
            v.previewCorners[i] = {static_cast<float>(m_preview.corners[i].x),
                                   static_cast<float>(m_preview.corners[i].y)};
    }
    v.statusLine = statusLine(ctx);
    v.statusWarning = !ctx.writeProblem.empty();
    v.lockdown = m_opt.lockdown;
    return v;
}

void AttendeeController::draw(const ShellContext& ctx, bool cameraAvailable, IntentSink& sink) {
    drawAttendee(view(ctx, cameraAvailable), sink);
}

}  // namespace kiosk::ui
