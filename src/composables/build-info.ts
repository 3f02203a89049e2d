/** What was built: the package version and a build label (differs between deploys). */

/** The app version from package.json. */
export const APP_VERSION: string = __APP_VERSION__

/** Build label: the version, or QOLTANBA_BUILD_LABEL given at build time. */
export const APP_BUILD: string = __APP_BUILD__
