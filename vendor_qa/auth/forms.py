from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Regexp

from vendor_qa.auth.password_policy import MIN_LENGTH


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])


class CodeForm(FlaskForm):
    code = StringField("Code from your authenticator app", validators=[
        DataRequired("Enter the 6-digit code your authenticator app shows."),
        Regexp(r"^\s*(\d\s*){6}$", message="The code is 6 digits, e.g. 123456.")])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired("Give your current password.")])
    new_password = PasswordField("New password", validators=[DataRequired("Give a new password.")],
                                 description=f"At least {MIN_LENGTH} characters; a few uncommon words do well.")
    confirm = PasswordField("New password again", validators=[
        DataRequired("Type the new password again."),
        EqualTo("new_password", message="The two new passwords differ; type the same one twice.")])


class SecondFactorOffForm(CodeForm):
    """Turning the second factor off asks for both factors: a stolen session alone cannot do it."""
    password = PasswordField("Your password", validators=[DataRequired("Give your password.")])
