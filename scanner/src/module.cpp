namespace kiosk::scanner { const char* moduleName() { return "scanner"; } }
