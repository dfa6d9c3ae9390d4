# app settings
APP_ENV=dev
export SECRET="a b c"
