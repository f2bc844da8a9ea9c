// esbuild bundles the stylesheets the app imports into one CSS file beside the script.
declare module '*.css';
