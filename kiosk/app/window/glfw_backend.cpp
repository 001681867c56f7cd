#include "glfw_backend.hpp"

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#define GLFW_INCLUDE_NONE
#include <GL/gl.h>
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstdio>
#include <thread>

namespace kiosk::app {
namespace {

std::string g_lastGlfwError;

void glfwError(int code, const char* text) {
    g_lastGlfwError = std::to_string(code) + ": " + (text ? text : "");
}

float monitorPixelsPerMm(GLFWmonitor* monitor) {
    constexpr float kFallback = 96.f / 25.4f;  // 96 dpi when the monitor does not say
    if (!monitor) return kFallback;
    int wmm = 0, hmm = 0;
    glfwGetMonitorPhysicalSize(monitor, &wmm, &hmm);
    const GLFWvidmode* mode = glfwGetVideoMode(monitor);
    if (!mode || wmm <= 0) return kFallback;
    const float ppmm = static_cast<float>(mode->width) / static_cast<float>(wmm);
    // EDIDs lie (projectors report 0 or 1 mm, some TVs 160 cm for 60 cm): keep it plausible,
    // i.e. between 50 and 600 dpi.
    if (ppmm < 50.f / 25.4f || ppmm > 600.f / 25.4f) return kFallback;
    return ppmm;
}

}  // namespace

core::Result<std::unique_ptr<GlfwBackend>> GlfwBackend::create(const WindowOptions& options) {
    glfwSetErrorCallback(glfwError);
    if (!glfwInit())
        return core::Error{"window.init", "cannot open the display (" + g_lastGlfwError +
                                              "): run inside a graphical session, set DISPLAY, or use cage"};
    std::unique_ptr<GlfwBackend> b(new GlfwBackend());
    b->m_options = options;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    // A kiosk must not vanish when a notification or a second screen takes the focus.
    glfwWindowHint(GLFW_AUTO_ICONIFY, GLFW_FALSE);
    glfwWindowHint(GLFW_FOCUS_ON_SHOW, GLFW_TRUE);
    GLFWmonitor* monitor = options.windowed ? nullptr : glfwGetPrimaryMonitor();
    int w = options.width, h = options.height;
    if (monitor) {
        if (const GLFWvidmode* mode = glfwGetVideoMode(monitor)) {
            w = mode->width;
            h = mode->height;
            glfwWindowHint(GLFW_REFRESH_RATE, mode->refreshRate);
        }
    }
    b->m_window = glfwCreateWindow(w, h, options.title.c_str(), monitor, nullptr);
    if (!b->m_window) {
        glfwTerminate();
        return core::Error{"window.create", "cannot create an OpenGL 3 window (" + g_lastGlfwError +
                                                "): check the graphics driver (Mesa) is installed"};
    }
    glfwMakeContextCurrent(b->m_window);
    glfwSwapInterval(1);
    b->m_pixelsPerMm = monitorPixelsPerMm(monitor ? monitor : glfwGetPrimaryMonitor());
    glfwSetWindowUserPointer(b->m_window, b.get());
    if (!options.windowed) glfwSetInputMode(b->m_window, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);
    return b;
}

GlfwBackend::~GlfwBackend() {
    if (m_imguiReady) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
    }
    if (m_window) glfwDestroyWindow(m_window);
    glfwTerminate();
}

void GlfwBackend::attach(ui::KioskApp& app) {
    m_app = &app;
    // Our own callbacks chain to ImGui's, so the app sees keys before any widget does.
    ImGui_ImplGlfw_InitForOpenGL(m_window, false);
    ImGui_ImplOpenGL3_Init("#version 130");
    m_imguiReady = true;
    glfwSetKeyCallback(m_window, onKey);
    glfwSetCharCallback(m_window, onChar);
    glfwSetMouseButtonCallback(m_window, ImGui_ImplGlfw_MouseButtonCallback);
    glfwSetScrollCallback(m_window, ImGui_ImplGlfw_ScrollCallback);
    glfwSetCursorEnterCallback(m_window, ImGui_ImplGlfw_CursorEnterCallback);
    glfwSetWindowFocusCallback(m_window, ImGui_ImplGlfw_WindowFocusCallback);
    glfwSetMonitorCallback(ImGui_ImplGlfw_MonitorCallback);
    glfwSetWindowCloseCallback(m_window, onClose);
}

void GlfwBackend::onClose(GLFWwindow* w) {
    auto* self = static_cast<GlfwBackend*>(glfwGetWindowUserPointer(w));
    // Lockdown: a close request (window manager, Alt+F4) is refused; only a signal ends the kiosk.
    if (self && !self->m_options.windowed) glfwSetWindowShouldClose(w, GLFW_FALSE);
}

void GlfwBackend::onKey(GLFWwindow* w, int key, int scancode, int action, int mods) {
    auto* self = static_cast<GlfwBackend*>(glfwGetWindowUserPointer(w));
    ImGui_ImplGlfw_KeyCallback(w, key, scancode, action, mods);
    if (!self || !self->m_app || action == GLFW_RELEASE) return;
    ui::Key k = ui::Key::Other;
    switch (key) {
        case GLFW_KEY_ENTER:
        case GLFW_KEY_KP_ENTER:
            k = ui::Key::Enter;
            break;
        case GLFW_KEY_TAB:
            k = ui::Key::Tab;
            break;
        case GLFW_KEY_BACKSPACE:
            k = ui::Key::Backspace;
            break;
        case GLFW_KEY_ESCAPE:
            k = ui::Key::Escape;
            break;
        case GLFW_KEY_F1:
            k = ui::Key::F1;
            break;
        case GLFW_KEY_F2:
            k = ui::Key::F2;
            break;
        case GLFW_KEY_F3:
            k = ui::Key::F3;
            break;
        case GLFW_KEY_F4:
            k = ui::Key::F4;
            break;
        case GLFW_KEY_F5:
            k = ui::Key::F5;
            break;
        case GLFW_KEY_F12:
            k = ui::Key::F12;
            break;
        default:
            // Modifiers and printable keys arrive as characters (char callback); other keys do
            // not concern the shell.
            return;
    }
    if (action == GLFW_REPEAT && k != ui::Key::Backspace) return;
    self->m_app->onKey(k, self->keyTime());
}

void GlfwBackend::onChar(GLFWwindow* w, unsigned int codepoint) {
    auto* self = static_cast<GlfwBackend*>(glfwGetWindowUserPointer(w));
    ImGui_ImplGlfw_CharCallback(w, codepoint);
    if (self && self->m_app) self->m_app->onChar(static_cast<char32_t>(codepoint), self->keyTime());
}

std::chrono::steady_clock::time_point GlfwBackend::keyTime() {
    ++m_keyEvents;
    const auto now = std::chrono::steady_clock::now();
    auto t = now;
    if (m_batchWasPending) {
        // Queued while we were busy. If the previous key came in the previous poll, the burst
        // most likely went on meanwhile (a person does not type on an attendee kiosk; scanners
        // do): keep it together. Otherwise the earliest it can have arrived.
        t = m_lastKeyPoll + 1 >= m_pollIndex ? std::min(now, m_lastKeyStamp + std::chrono::milliseconds(1))
                                             : std::min(now, m_batchStamp);
    }
    m_lastKeyStamp = t;
    m_lastKeyPoll = m_pollIndex;
    return t;
}

void GlfwBackend::pollEvents() {
    // Frame cap: wait for input or the next frame slot, whichever comes first. Where the driver
    // waits for vsync this costs nothing; under Xvfb it keeps two shared cores usable.
    const auto slot = std::chrono::duration<double>(1.0 / std::max(1.0, m_options.maxFps));
    const auto now = std::chrono::steady_clock::now();
    const auto elapsed = std::chrono::duration<double>(now - m_lastPoll);
    // Key timing: GLFW does not pass the X server's event times. Keys that were already queued
    // when this poll began arrived while the previous frame was being made, i.e. at the earliest
    // when the previous poll ended: stamping them so keeps a scanner's burst fast even when a
    // frame was slow (a busy machine, a font rebuild); keys that arrive while we wait are
    // stamped as they come.
    ++m_pollIndex;
    m_batchStamp = m_lastPoll;
    m_batchWasPending = true;
    const int before = m_keyEvents;
    glfwPollEvents();  // what was queued already
    m_batchWasPending = false;
    // Input was waiting: draw it now. Otherwise wait for input or the next frame slot.
    if (m_keyEvents == before && elapsed < slot) glfwWaitEventsTimeout((slot - elapsed).count());
    m_lastPoll = std::chrono::steady_clock::now();
    if (!m_options.windowed) {
        // Someone iconified us anyway (a compositor shortcut): come back.
        if (glfwGetWindowAttrib(m_window, GLFW_ICONIFIED)) glfwRestoreWindow(m_window);
    }
}

void GlfwBackend::newFrame() {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    m_deviceObjects = true;
}

void GlfwBackend::renderAndSwap() {
    int w = 0, h = 0;
    glfwGetFramebufferSize(m_window, &w, &h);
    glViewport(0, 0, w, h);
    // The screens draw no full-screen background (NoBackground): the clear is it, in the
    // theme's window colour.
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1.f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glfwSwapBuffers(m_window);
}

void* GlfwBackend::updateTexture(void* texture, const uint8_t* rgba, int width, int height) {
    GLuint id = static_cast<GLuint>(reinterpret_cast<uintptr_t>(texture));
    GLint last = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &last);
    if (id == 0) {
        glGenTextures(1, &id);
        glBindTexture(GL_TEXTURE_2D, id);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    } else {
        glBindTexture(GL_TEXTURE_2D, id);
    }
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last));
    // ImGui hands textures around as a void* (ImTextureID); OpenGL names them with integers.
    return reinterpret_cast<void*>(static_cast<uintptr_t>(id));  // NOLINT(performance-no-int-to-ptr)
}

void GlfwBackend::fontsChanged() {
    // Before the first frame the renderer creates the font texture itself.
    if (!m_deviceObjects) return;
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
}

int GlfwBackend::framebufferHeight() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(m_window, &w, &h);
    return h > 0 ? h : m_options.height;
}

float GlfwBackend::pixelsPerMm() const {
    return m_pixelsPerMm;
}

bool GlfwBackend::quitRequested() const {
    if (m_options.quitFlag && m_options.quitFlag->load()) return true;
    return m_options.windowed && glfwWindowShouldClose(m_window);
}

}  // namespace kiosk::app
